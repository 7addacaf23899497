import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { recordInbound, sendHelpReply, sendMessage, summarizeConversation } from './activity-proxies';
import { batchDeadline, rememberId } from './batching';
import {
  inboundSignal,
  searchAttributes,
  snapshotQuery,
  type CarriedState,
  type ConversationInput,
  type ConversationMode,
  type PendingMessage,
  type ReplyTarget,
} from './definitions';
import { Handoff } from './handoff';
import { IdleTimer } from './idle';
import { keywordOf } from '../domain/keywords';
import { handoffAck, replyTurn } from './reply-turn';

const dedupeWindow = 500;
/** Turns between summary refreshes: older messages leave the model's window (40 messages) only once summarized. */
const summaryEveryTurns = 15;

export const fallbackReply =
  "Sorry, I can't answer right now. Your message is saved and a member of our team will get back to you.";
export { holdingReply } from './handoff';

/**
 * One customer conversation. Messages are recorded as they arrive and answered in batches (one model turn per
 * burst), on the channel of the newest message. During a handoff the AI is silent: messages are recorded for the
 * agent, who answers through the same send path. Ends after `idleMs` without messages; the next message starts a
 * new run that picks up the stored summary.
 */
export async function conversationWorkflow(input: ConversationInput): Promise<void> {
  const { tenantId, contactKey, settings } = input;
  const conversationId = workflowInfo().workflowId;
  let pending: PendingMessage[] = [...(input.carried?.pending ?? [])];
  let recentIds = input.carried?.recentProviderIds ?? [];
  let turns = input.carried?.turns ?? 0;
  const optedOut = new Set(input.carried?.optedOutChannels ?? []);
  let replyTarget: ReplyTarget | null = input.carried?.replyTarget ?? null;
  let mode: ConversationMode = 'ai';
  let arrivals = 0;
  let lastActivityAt: number | null = null;

  const idle = new IdleTimer(settings.idleMs);
  // Built before any handler: buffered signals are delivered as soon as their handler is set.
  const handoff = new Handoff({
    tenantId,
    conversationId,
    timeoutMs: settings.handoffTimeoutMs,
    canReply: () => replyTarget !== null,
    deliver: (content) => deliver(content),
    setMode,
  });

  setHandler(snapshotQuery, () => ({
    mode,
    handoff: handoff.snapshot(),
    pendingCount: pending.length,
    turns,
    lastActivityAt: lastActivityAt === null ? null : new Date(lastActivityAt).toISOString(),
    lastChannel: replyTarget?.channel ?? null,
  }));

  setHandler(inboundSignal, async (message) => {
    if (recentIds.includes(message.providerMessageId)) return;
    recentIds = rememberId(recentIds, message.providerMessageId, dedupeWindow);
    const entry: PendingMessage = { message, messageId: null, arrivedAt: Date.now() };
    // During a handoff messages are recorded for the agent, not queued for the AI.
    if (!handoff.current) pending.push(entry);
    arrivals += 1;
    lastActivityAt = entry.arrivedAt;
    if (message.channel !== replyTarget?.channel) {
      upsertSearchAttributes([{ key: searchAttributes.channel, value: message.channel }]);
    }
    replyTarget = { channel: message.channel, to: message.from, from: message.to };
    const recorded = await recordInbound({ conversationId, tenantId, contactKey, message });
    const keyword = keywordOf(message.body);
    if (!recorded.duplicate && keyword === 'stop') optedOut.add(message.channel);
    if (!recorded.duplicate && keyword === 'start') optedOut.delete(message.channel);
    // Opt-out keywords are handled by recordInbound (and by Twilio's own replies), never by a model turn.
    if (recorded.duplicate || keyword) pending = pending.filter((p) => p !== entry);
    else entry.messageId = recorded.messageId;
    if (!recorded.duplicate && keyword === 'help') await deliver({ help: true });
  });

  function setMode(next: ConversationMode): void {
    mode = next;
    upsertSearchAttributes([
      { key: searchAttributes.mode, value: next },
      { key: searchAttributes.handoffOpen, value: next === 'handoff' },
    ]);
  }

  upsertSearchAttributes([
    { key: searchAttributes.tenantId, value: tenantId },
    { key: searchAttributes.contactKey, value: input.contactLabel },
    { key: searchAttributes.mode, value: mode },
    { key: searchAttributes.handoffOpen, value: false },
    ...(replyTarget ? [{ key: searchAttributes.channel, value: replyTarget.channel }] : []),
  ]);

  /**
   * Sends to the customer on the channel of their newest message. Returns the outbound message id, or null when
   * the send was refused (opted out, a Twilio rejection, retries exhausted): that is recorded on the outbound row
   * and the conversation goes on.
   */
  async function deliver(
    content: { text: string; author?: 'ai' | 'agent' | 'system' } | { help: true },
  ): Promise<string | null> {
    if (!replyTarget) return null;
    const target = { outboxId: `out:${uuid4()}`, conversationId, tenantId, contactKey, ...replyTarget };
    try {
      if ('help' in content) await sendHelpReply(target);
      else await sendMessage({ ...target, body: content.text, author: content.author ?? 'ai' });
      return target.outboxId;
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn('message not delivered', { error: error.message });
      return null;
    }
  }

  /** Waits out the batching window, then until every message of the batch is recorded. */
  async function batchWindow(): Promise<void> {
    for (;;) {
      if (pending.length === 0) return;
      const deadline = batchDeadline(pending.map((p) => p.arrivedAt), settings.batchQuietMs, settings.batchMaxWaitMs);
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const seen = arrivals;
      await condition(() => arrivals !== seen, remaining);
    }
    await condition(() => pending.every((p) => p.messageId !== null));
  }

  /**
   * Answers everything pending as one turn. Staleness policy: if newer messages arrive while the reply is being
   * generated, the reply is discarded and the turn regenerated with them included (at most `maxStaleRestarts`
   * times); after that the reply goes out and the newer messages form the next batch. So a customer never gets
   * an answer to an older question after a newer one was answered.
   */
  async function answerPending(): Promise<void> {
    for (let restarts = 0; ; restarts += 1) {
      await batchWindow();
      const batch = [...pending];
      const newest = batch.at(-1);
      if (!newest?.messageId) return;
      if (optedOut.has(newest.message.channel)) {
        // Recorded, but the customer asked us to stop writing on this channel: no model turn, no reply.
        pending = pending.filter((p) => !batch.includes(p));
        return;
      }
      const turn = { conversationId, tenantId, maxToolRounds: settings.maxToolRounds };
      const reply = await replyTurn(turn, newest.messageId);
      if (pending.length > batch.length && restarts < settings.maxStaleRestarts) continue;
      pending = pending.filter((p) => !batch.includes(p));
      turns += 1;
      if (!reply) {
        await deliver({ text: fallbackReply });
        openHandoff('the AI could not answer: the model stayed unavailable through every retry');
      } else if (reply.kind === 'handoff') {
        await deliver({ text: reply.text });
        openHandoff(reply.reason);
      } else {
        await deliver({ text: reply.text });
      }
      if (turns % summaryEveryTurns === 0) await summarizeConversation({ conversationId });
      return;
    }
  }

  /** Hands the conversation to people; what was waiting for the AI is theirs now (already recorded). */
  function openHandoff(reason: string): void {
    pending = [];
    handoff.open(reason);
  }

  async function summarizeAndDrain(): Promise<boolean> {
    await summarizeConversation({ conversationId });
    await condition(allHandlersFinished);
    return pending.length === 0 && handoff.requested === null;
  }

  for (;;) {
    if (handoff.requested !== null && !handoff.current) {
      await deliver({ text: handoffAck, author: 'system' });
      openHandoff(handoff.requested);
    }
    if (handoff.current) {
      const outcome = await handoff.run();
      if (outcome !== 'expired' && outcome.action === 'close' && (await summarizeAndDrain())) return;
      continue;
    }
    idle.touch();
    await condition(() => pending.length > 0 || handoff.requested !== null || idle.expired);
    if (pending.length === 0 && handoff.requested === null) {
      if (await summarizeAndDrain()) return;
      continue;
    }
    if (pending.length > 0) await answerPending();
    const info = workflowInfo();
    if (!handoff.current && (info.continueAsNewSuggested || info.historyLength > settings.maxHistoryEvents)) {
      // The summary keeps what the next run's model turns cannot see any more within their token budget.
      await summarizeConversation({ conversationId });
      await condition(allHandlersFinished);
      const carried: CarriedState = {
        pending,
        recentProviderIds: recentIds,
        turns,
        optedOutChannels: [...optedOut],
        replyTarget,
      };
      await continueAsNew<typeof conversationWorkflow>({ ...input, carried });
    }
  }
}
