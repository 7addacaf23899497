import { CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import type { ReplyTarget } from '../domain/channels';
import type { WebTurnRequest, WebTurnResult } from './definitions';
import { liveTurnContext, replyTurn, settleTurn, type LiveChannelHost } from './reply-turn';

/** A turn another message took over: that turn's reply answers both. */
const superseded: WebTurnResult = { text: '', messageId: null, outcome: 'superseded' };

/**
 * A web visitor's chat: each message is answered at once, its reply streamed to the session's open request while
 * the model writes it and recorded by the activity that streams it. A newer message supersedes a reply still being
 * written. While a person has the conversation, messages are recorded for them and the AI stays silent.
 */
export class WebChat {
  /** The turn whose reply is being written. */
  current: { sessionId: string; turnId: string; scope: CancellationScope } | null = null;
  /** When the newest message answered so far was received (ms): an older one arriving later is not answered. */
  private newestReceived = 0;

  constructor(private readonly host: LiveChannelHost) {}

  async answer(request: WebTurnRequest): Promise<WebTurnResult> {
    // Runs started before this version cancelled the reply in flight on arrival, so two messages sent together
    // could both be answered; now the newest message, once recorded, supersedes every turn before it.
    const supersedeOnceRecorded = patched('web-supersede-once-recorded');
    if (!supersedeOnceRecorded) this.current?.scope.cancel();
    const target: ReplyTarget = { channel: 'web', address: request.sessionId, sender: null };
    this.host.setTarget(target);
    const recorded = await this.host.record({
      providerMessageId: `${request.sessionId}:${request.turnId}`,
      channel: 'web',
      from: request.sessionId,
      to: '',
      body: request.text,
      media: [],
      receivedAt: request.receivedAt,
    });
    if (!recorded || this.host.personHasIt()) return { text: '', messageId: null, outcome: 'silent' };
    if (supersedeOnceRecorded) {
      // Messages are in the order they were received (as recorded), not the order they reach the workflow: a newer
      // one recorded meanwhile answers both.
      const mine = Date.parse(request.receivedAt);
      if (mine < this.newestReceived) return superseded;
      this.newestReceived = mine;
      this.current?.scope.cancel();
    }

    const turn = { sessionId: request.sessionId, turnId: request.turnId, scope: new CancellationScope() };
    this.current = turn;
    try {
      const context = liveTurnContext(this.host, 'web', request.turnId, target);
      const reply = await turn.scope.run(() => replyTurn(context, recorded.messageId));
      const outcome = await settleTurn(reply, this.host, target, { live: true });
      if (outcome.kind === 'handoff') return { text: '', messageId: outcome.messageId, outcome: 'handoff' };
      // The visitor wrote again before the reply was recorded: the newer turn answers both. (A chat is never
      // screened: the inbound policy is for texts.)
      if (outcome.kind !== 'answered') return superseded;
      const options = outcome.options ? { options: outcome.options } : {};
      return { text: outcome.text, messageId: outcome.messageId, outcome: 'answered', ...options };
    } catch (error) {
      if (!isCancellation(error)) throw error;
      return superseded;
    } finally {
      if (this.current === turn) this.current = null;
    }
  }
}
