import { condition } from '@temporalio/workflow';
import { batchDeadline } from './batching';
import type { ConversationSettings, InboundMessage, PendingMessage } from './definitions';
import { replyTurn, type AskApproval, type TurnOutcome, type TurnResult } from './reply-turn';

/** Turns between summary refreshes: older messages leave the model's window (40 messages) only once summarized. */
const summaryEveryTurns = 15;

/** What the conversation lends its text batch. */
export interface TextBatchHost {
  conversationId: string;
  tenantId: string;
  /** Settles a turn's reply on the channel of the newest message. */
  settle(reply: TurnResult | null): Promise<TurnOutcome>;
  summarize(): Promise<void>;
  askApproval: AskApproval;
  /** The conversation's writes since its last settled turn (`TurnContext.writes`). */
  writes: Map<string, string>;
}

/**
 * Text messages waiting for their answer, and the answering: a burst is one model turn, once `batchQuietMs` pass
 * without a new message (at most `batchMaxWaitMs` after its first). Carried across continue-as-new.
 */
export class TextBatch {
  pending: PendingMessage[];
  /** Model turns answered so far (every `summaryEveryTurns` the summary is refreshed). */
  turns: number;
  /** Messages recorded, batched or not: each one moves the batch's deadline, so the window is worked out again. */
  private arrivals = 0;

  constructor(
    carried: { pending: PendingMessage[]; turns: number } | null,
    private readonly settings: Pick<ConversationSettings, 'batchQuietMs' | 'batchMaxWaitMs' | 'maxToolRounds' | 'maxStaleRestarts'>,
    private readonly host: TextBatchHost,
  ) {
    this.pending = [...(carried?.pending ?? [])];
    this.turns = carried?.turns ?? 0;
  }

  /** A message arrived (now, workflow time); `queued`: it waits for this batch's answer. */
  arrived(message: InboundMessage, { queued }: { queued: boolean }): PendingMessage {
    const entry: PendingMessage = { message, messageId: null, arrivedAt: Date.now() };
    if (queued) this.pending.push(entry);
    this.arrivals += 1;
    return entry;
  }

  /** The message is recorded; it waits for its answer. */
  recorded(entry: PendingMessage, recorded: { messageId: string; optedOut: boolean }): void {
    Object.assign(entry, recorded);
  }

  /** The message gets no answer of its own (a repeat, a keyword, one not recorded). */
  drop(entry: PendingMessage): void {
    this.pending = this.pending.filter((p) => p !== entry);
  }

  /** People take over: what waited for the AI is theirs now (already recorded). */
  clear(): void {
    this.pending = [];
  }

  /**
   * Answers everything pending as one turn. Staleness policy: if newer messages arrive while the reply is being
   * generated, the reply is discarded and the turn regenerated with them included (at most `maxStaleRestarts`
   * times); after that the reply goes out and the newer messages form the next batch. So a customer never gets
   * an answer to an older question after a newer one was answered.
   */
  async answer(): Promise<void> {
    for (let restarts = 0; ; restarts += 1) {
      await this.window();
      const batch = [...this.pending];
      const newest = batch.at(-1);
      if (!newest?.messageId) return;
      if (newest.optedOut) {
        // Recorded, but the customer asked us to stop writing on this channel: no model turn, no reply.
        this.pending = this.pending.filter((p) => !batch.includes(p));
        return;
      }
      const { conversationId, tenantId, askApproval, writes } = this.host;
      const turn = { conversationId, tenantId, maxToolRounds: this.settings.maxToolRounds, askApproval, writes };
      const reply = await replyTurn(turn, newest.messageId);
      if (this.pending.length > batch.length && restarts < this.settings.maxStaleRestarts) continue;
      this.pending = this.pending.filter((p) => !batch.includes(p));
      this.turns += 1;
      await this.host.settle(reply);
      if (this.turns % summaryEveryTurns === 0) await this.host.summarize();
      return;
    }
  }

  /** Waits out the batching window, then until every message of the batch is recorded. */
  private async window(): Promise<void> {
    for (;;) {
      if (this.pending.length === 0) return;
      const deadline = batchDeadline(
        this.pending.map((p) => p.arrivedAt),
        this.settings.batchQuietMs,
        this.settings.batchMaxWaitMs,
      );
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const seen = this.arrivals;
      await condition(() => this.arrivals !== seen, remaining);
    }
    await condition(() => this.pending.every((p) => p.messageId !== null));
  }
}
