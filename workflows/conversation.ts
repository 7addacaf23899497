import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { channelSet, isMessaging, type Channel } from '../domain/channels';
import { keywordOf } from '../domain/keywords';
import type { RecordInboundResult } from '../activities/inbound';
import type { Delivery } from '../activities/outbound';
import { recordInbound, sendMessage, summarizeConversation } from './activity-proxies';
import { batchDeadline, rememberId } from './batching';
import {
  agentMessageUpdate,
  agentReplyUpdate,
  callEndedSignal,
  callStartedSignal,
  claimHandoffUpdate,
  inboundSignal,
  interruptSignal,
  placeCallUpdate,
  webTurnUpdate,
  requestHandoffSignal,
  resolveHandoffUpdate,
  sendCodeUpdate,
  searchAttributes,
  snapshotQuery,
  voiceTurnUpdate,
  type CarriedState,
  type ConversationInput,
  type ConversationMode,
  type Delivered,
  type InboundMessage,
  type PendingMessage,
  type ReplyTarget,
} from './definitions';
import { Handoff } from './handoff';
import { IdleTimer } from './idle';
import { modelUnavailable, replyTurn, type LiveChannelHost } from './reply-turn';
import { Outreach } from './outreach';
import { Calls } from './voice';
import { WebChat } from './web-chat';

const dedupeWindow = 500;
/** Turns between summary refreshes: older messages leave the model's window (40 messages) only once summarized. */
const summaryEveryTurns = 15;

/**
 * One person's conversation, whatever the channel. Text messages are recorded as they arrive and answered in batches
 * (one model turn per burst), on the channel of the newest message; a call's turns are answered at once, streamed
 * (`voice.ts`). During a handoff the AI is silent: messages are recorded for the agent, who answers through the same
 * delivery path; agents can also reach the person first (`outreach.ts`). Ends after `idleMs` without messages; the
 * next message starts a new run that picks up the stored summary.
 */
export async function conversationWorkflow(input: ConversationInput): Promise<void> {
  const { tenantId, contactKey, settings, carried } = input;
  const conversationId = workflowInfo().workflowId;
  let pending: PendingMessage[] = [...(carried?.pending ?? [])];
  let recentIds = carried?.recentProviderIds ?? [];
  let turns = carried?.turns ?? 0;
  let replyTarget: ReplyTarget | null = carried?.replyTarget ?? null;
  /** The channel of the newest message (the `Channel` search attribute). */
  let latestChannel: Channel | null = replyTarget?.channel ?? null;
  /** Where text replies go when a call ends: the newest message's target that was not a call. */
  let textTarget: ReplyTarget | null = replyTarget?.channel === 'voice' ? null : replyTarget;
  let channelsUsed: Channel[] = carried?.channels ?? [];
  let mode: ConversationMode = carried?.handoff ? 'handoff' : 'ai';
  let arrivals = 0;
  let lastActivityAt: number | null = null;
  /** The customer's messages being recorded, one after another. */
  let inboundWrites: Promise<unknown> = Promise.resolve();

  const idle = new IdleTimer(settings.idleMs);
  const handoff = new Handoff(
    {
      tenantId,
      conversationId,
      timeoutMs: settings.handoffTimeoutMs,
      expiryMs: settings.handoffExpiryMs,
      canReply: () => replyTarget !== null,
      channel: () => latestChannel,
      deliver: (delivery) => (replyTarget ? deliverOrRefusal(delivery, replyTarget) : Promise.resolve({ refused: 'the customer has no address yet' })),
      setMode,
    },
    carried?.handoff ?? null,
  );
  // Live channels answer each message at once: nothing waits in the batch.
  const live: LiveChannelHost = {
    tenantId,
    conversationId,
    contactKey,
    maxToolRounds: settings.maxToolRounds,
    record: (message) => record(message, { queue: false }),
    deliver,
    setTarget: (target) => (replyTarget = target),
    personHasIt: () => handoff.current !== null,
  };
  const calls = new Calls(
    {
      ...live,
      afterCall: (call) => (replyTarget = textTarget ?? { channel: 'sms', address: call.caller, sender: call.service }),
      openHandoff: (reason) => {
        openHandoff(reason);
        return handoff.current?.taskId ?? '';
      },
    },
    carried?.call ?? null,
  );
  const webChat = new WebChat({ ...live, openHandoff });
  const outreach = new Outreach({
    conversationId,
    tenantId,
    contactKey,
    serviceNumber: () => (textTarget?.sender ?? replyTarget?.sender ?? calls.active?.service ?? null)?.replace(/^whatsapp:/, '') ?? null,
    deliver: (delivery, target) => deliverOrRefusal(delivery, target),
    onCall: () => calls.active !== null,
  });

  // Every message the conversation takes, in one place. Buffered signals are delivered as soon as their handler is
  // set, so everything they touch exists by now.
  setHandler(snapshotQuery, () => ({
    mode,
    handoff: handoff.snapshot(),
    pendingCount: pending.length,
    turns,
    lastActivityAt: lastActivityAt === null ? null : new Date(lastActivityAt).toISOString(),
    lastChannel: latestChannel,
    channels: channelsUsed,
    webTurn: webChat.current && { sessionId: webChat.current.sessionId, turnId: webChat.current.turnId },
  }));
  setHandler(inboundSignal, async (message) => void (await record(message, { queue: true })));
  setHandler(callStartedSignal, (call) => calls.started(call));
  setHandler(voiceTurnUpdate, (turn) => calls.answer(turn));
  setHandler(interruptSignal, (interruption) => calls.interrupted(interruption));
  setHandler(callEndedSignal, (call) => calls.ended(call));
  setHandler(webTurnUpdate, (turn) => webChat.answer(turn));
  setHandler(agentMessageUpdate, (message) => outreach.message(message), { validator: (message) => outreach.validateMessage(message) });
  setHandler(placeCallUpdate, (request) => outreach.call(request), { validator: (request) => outreach.validateCall(request) });
  setHandler(sendCodeUpdate, (code) => outreach.code(code));
  setHandler(requestHandoffSignal, ({ reason }) => handoff.request(reason));
  setHandler(claimHandoffUpdate, (action) => handoff.claim(action), { validator: (action) => handoff.validateClaim(action) });
  setHandler(agentReplyUpdate, (action) => handoff.reply(action), { validator: (action) => handoff.validateReply(action) });
  setHandler(resolveHandoffUpdate, (action) => handoff.resolve(action), {
    validator: (action) => handoff.validateResolve(action),
  });

  upsertSearchAttributes([
    { key: searchAttributes.tenantId, value: tenantId },
    { key: searchAttributes.contactKey, value: input.contactLabel },
    { key: searchAttributes.mode, value: mode },
    { key: searchAttributes.handoffOpen, value: mode === 'handoff' },
    ...(replyTarget ? [{ key: searchAttributes.channel, value: replyTarget.channel }] : []),
    ...(channelsUsed.length > 0 ? [{ key: searchAttributes.channels, value: channelsUsed }] : []),
  ]);

  /**
   * Records a customer message as it arrives, before any batching; a message seen before changes nothing and
   * returns null. Text messages are queued for the next batch (`queue`); a call's turns are answered by their update.
   */
  async function record(message: InboundMessage, { queue }: { queue: boolean }): Promise<{ messageId: string } | null> {
    if (recentIds.includes(message.providerMessageId)) return null;
    recentIds = rememberId(recentIds, message.providerMessageId, dedupeWindow);
    const entry: PendingMessage = { message, messageId: null, arrivedAt: Date.now() };
    // During a handoff messages are recorded for the agent, not queued for the AI.
    if (queue && !handoff.current) pending.push(entry);
    arrivals += 1;
    lastActivityAt = entry.arrivedAt;
    if (!queue) idle.touch();
    if (message.channel !== latestChannel) {
      latestChannel = message.channel;
      upsertSearchAttributes([{ key: searchAttributes.channel, value: message.channel }]);
    }
    if (message.channel !== 'voice') {
      replyTarget = { channel: message.channel, address: message.from, sender: message.to };
      textTarget = replyTarget;
    }
    let recorded: RecordInboundResult;
    try {
      recorded = await recordInOrder(() => recordInbound({ conversationId, tenantId, contactKey, message }));
    } catch (error) {
      // Not retryable (data no attempt can store, not even as refused): dropped, and the conversation goes on.
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn('customer message not recorded', { error: error.cause?.message ?? error.message });
      pending = pending.filter((p) => p !== entry);
      return null;
    }
    noteChannels([...recorded.channels, message.channel]);
    // Carrier keywords mean something in text messages only; a caller saying "stop" is just talking.
    const keyword = isMessaging(message.channel) ? keywordOf(message.body) : null;
    // A message kept as refused is not answered.
    const unanswered = recorded.duplicate || recorded.refused === true;
    // Opt-out keywords are handled by recordInbound (and by the carrier's own replies), never by a model turn.
    if (unanswered || keyword) pending = pending.filter((p) => p !== entry);
    else Object.assign(entry, { messageId: recorded.messageId, optedOut: recorded.optedOut });
    if (!unanswered && keyword === 'help') await deliver({ notice: 'help', author: 'system' });
    return unanswered ? null : { messageId: recorded.messageId };
  }

  /**
   * Messages are recorded one after another, in the order they arrived: START and the question right behind it must
   * not race, or the question is read as still opted out. Runs started before this version recorded them side by
   * side.
   */
  function recordInOrder<T>(write: () => Promise<T>): Promise<T> {
    if (!patched('inbound-recorded-in-order')) return write();
    const next = inboundWrites.then(write);
    inboundWrites = next.catch(() => undefined);
    return next;
  }

  function noteChannels(seen: readonly string[]): void {
    const next = channelSet([...channelsUsed, ...seen]);
    if (next.length === channelsUsed.length) return;
    channelsUsed = next;
    upsertSearchAttributes([{ key: searchAttributes.channels, value: channelsUsed }]);
  }

  function setMode(next: ConversationMode): void {
    mode = next;
    upsertSearchAttributes([
      { key: searchAttributes.mode, value: next },
      { key: searchAttributes.handoffOpen, value: next === 'handoff' },
    ]);
  }

  /**
   * Delivers to the customer on the channel of their newest message. Returns the outbound message id, or null when
   * the delivery was refused (opted out, a provider rejection, retries exhausted): that is recorded on the outbound
   * row and the conversation goes on.
   */
  async function deliver(delivery: Delivery, target: ReplyTarget | null = replyTarget): Promise<string | null> {
    if (!target) return null;
    const sent = await deliverOrRefusal(delivery, target);
    return 'messageId' in sent ? sent.messageId : null;
  }

  /** `deliver`, telling why a refused delivery was refused. */
  async function deliverOrRefusal(delivery: Delivery, target: ReplyTarget): Promise<Delivered> {
    const outboxId = `out:${uuid4()}`;
    try {
      await sendMessage({ outboxId, conversationId, tenantId, contactKey, target, delivery });
      return { messageId: outboxId };
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn('message not delivered', { error: error.message });
      return { refused: error.cause?.message ?? error.message };
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
      if (newest.optedOut) {
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
        await deliver({ notice: 'fallback', author: 'system' });
        openHandoff(modelUnavailable);
      } else if (reply.kind === 'handoff') {
        await deliver({ notice: reply.notice, author: 'ai' });
        openHandoff(reply.reason);
      } else {
        await deliver({ text: reply.text, author: 'ai' });
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

  function continueAsNewDue(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > settings.maxHistoryEvents;
  }

  /** A fresh history carrying the state above; the summary keeps what later turns cannot see any more. */
  async function continueWithFreshHistory(): Promise<never> {
    await summarizeConversation({ conversationId });
    await condition(allHandlersFinished);
    const next: CarriedState = {
      pending,
      recentProviderIds: recentIds,
      turns,
      replyTarget,
      channels: channelsUsed,
      handoff: handoff.current,
      call: calls.active,
    };
    return continueAsNew<typeof conversationWorkflow>({ ...input, carried: next });
  }

  for (;;) {
    if (handoff.requested !== null && !handoff.current) {
      await deliver({ notice: 'handoffAck', author: 'system' });
      openHandoff(handoff.requested);
    }
    if (handoff.current) {
      const outcome = await handoff.run(continueAsNewDue);
      if (outcome === 'continue') await continueWithFreshHistory();
      else if (outcome !== 'expired' && outcome.action === 'close' && (await summarizeAndDrain())) return;
      continue;
    }
    idle.touch();
    // A call's turn may open a handoff from its update handler.
    await condition(() => pending.length > 0 || handoff.requested !== null || handoff.current !== null || idle.expired);
    if (handoff.current) continue;
    if (pending.length === 0 && handoff.requested === null) {
      if (await summarizeAndDrain()) return;
      continue;
    }
    if (pending.length > 0) await answerPending();
    if (!handoff.current && continueAsNewDue()) await continueWithFreshHistory();
  }
}
