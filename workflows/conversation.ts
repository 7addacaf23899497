import { allHandlersFinished, condition, continueAsNew, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Delivery } from '../activities/outbound';
import type { ReplyTarget } from '../domain/channels';
import { conversationClosed, summarizeConversation } from './activity-proxies';
import {
  agentMessageUpdate,
  agentReplyUpdate,
  callEndedSignal,
  callStartedSignal,
  claimHandoffUpdate,
  decideApprovalUpdate,
  defaultApprovalTimeoutMs,
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
  takeOverUpdate,
  giveBackUpdate,
  type CarriedState,
  type ConversationInput,
  type ConversationMode,
  type Delivered,
} from './definitions';
import { deliver } from './deliver';
import { Handoff } from './handoff';
import { IdleTimer } from './idle';
import { Inbox } from './inbox';
import { replyTurn, settleTurn, type AskApproval, type LiveChannelHost, type TurnResult } from './reply-turn';
import { Approvals } from './approvals';
import { Outreach } from './outreach';
import { Routing } from './routing';
import { TextBatch } from './text-batch';
import { Calls } from './voice';
import { WebChat } from './web-chat';

/**
 * One person's conversation, whatever the channel. Text messages are recorded as they arrive and answered in batches
 * (one model turn per burst, `text-batch.ts`), on the channel of the newest message (`routing.ts`); a call's turns
 * are answered at once, streamed (`voice.ts`), as are a web visitor's messages (`web-chat.ts`). During a handoff the
 * AI is silent: messages are recorded for the agent, who answers through the same delivery path (`handoff.ts`);
 * agents can also reach the person first (`outreach.ts`). Ends after `idleMs` without messages; the next message
 * starts a new run that picks up the stored summary.
 */
export async function conversationWorkflow(input: ConversationInput): Promise<void> {
  const { tenantId, contactKey, settings, carried } = input;
  const conversationId = workflowInfo().workflowId;
  const ids = { conversationId, tenantId, contactKey };
  let mode: ConversationMode = carried?.handoff ? 'handoff' : 'ai';

  const routing = new Routing(carried ?? null);
  const idle = new IdleTimer(settings.idleMs);
  /** To the customer where replies go now (or at `target`), or why not. */
  const deliverHere = (delivery: Delivery, target: ReplyTarget | null = routing.replyTarget): Promise<Delivered> =>
    target ? deliver(ids, delivery, target) : Promise.resolve({ refused: 'the customer has no address yet' });
  /** `deliverHere`'s outbound message id; null when it was refused or there is nowhere to send. */
  const send = async (delivery: Delivery, target?: ReplyTarget | null): Promise<string | null> => {
    const sent = await deliverHere(delivery, target);
    return 'messageId' in sent ? sent.messageId : null;
  };
  const handoff = new Handoff(
    {
      tenantId,
      conversationId,
      timeoutMs: settings.handoffTimeoutMs,
      expiryMs: settings.handoffExpiryMs,
      canReply: () => routing.replyTarget !== null,
      channel: () => routing.latestChannel,
      deliver: (delivery) => deliverHere(delivery),
      setMode,
    },
    carried?.handoff ?? null,
  );
  /** Hands the conversation to people; what was waiting for the AI is theirs now (already recorded). */
  const openHandoff = (reason: string): string => {
    batch.clear();
    // A person who took the conversation over while the model was answering keeps it: no second task replaces theirs.
    const held = handoff.current;
    if (held && patched('one-handoff-at-a-time')) return held.taskId;
    handoff.open(reason);
    return handoff.current?.taskId ?? '';
  };
  /** Writes made since the last settled turn, on any channel (`TurnContext.writes`); not carried across runs. */
  const writes = new Map<string, string>();
  const turnSettled = () => writes.clear();
  /** A reply turn's outcome, where replies go now. */
  const settleHere = (reply: TurnResult | null) =>
    settleTurn(reply, { deliver: send, openHandoff, turnSettled, personHasIt: () => handoff.current !== null }, routing.replyTarget, { live: false });
  const askApproval: AskApproval = (tool, args, key) => approvals.open(tool, args, key);
  const approvals = new Approvals(
    {
      tenantId,
      conversationId,
      timeoutMs: settings.approvalTimeoutMs ?? defaultApprovalTimeoutMs,
      // How an approval ended is the model's to tell, unless people have the conversation (they read the note).
      answer: async (messageId) => {
        if (handoff.current) return;
        await settleHere(await replyTurn({ conversationId, tenantId, maxToolRounds: settings.maxToolRounds, askApproval, writes }, messageId));
      },
    },
    carried?.approvals ?? null,
  );
  const batch = new TextBatch(carried ?? null, settings, {
    conversationId,
    tenantId,
    settle: settleHere,
    summarize: () => summarizeConversation({ conversationId }),
    askApproval,
    writes,
  });
  const inbox = new Inbox(
    { ...ids, routing, batch, idle, personHasIt: () => handoff.current !== null, help: () => send({ notice: 'help', author: 'system' }) },
    carried?.recentProviderIds ?? [],
  );
  // Live channels answer each message at once: nothing waits in the batch.
  const live: LiveChannelHost = {
    ...ids,
    maxToolRounds: settings.maxToolRounds,
    askApproval,
    writes,
    turnSettled,
    record: (message) => inbox.record(message, { queue: false }),
    deliver: send,
    openHandoff,
    setTarget: (target) => routing.setTarget(target),
    personHasIt: () => handoff.current !== null,
  };
  const calls = new Calls({ ...live, afterCall: (call) => routing.callEnded(call) }, carried?.call ?? null);
  const webChat = new WebChat(live);
  const outreach = new Outreach({
    ...ids,
    serviceNumber: () => routing.serviceNumber(calls.active),
    deliver: (delivery, target) => deliver(ids, delivery, target),
    onCall: () => calls.active !== null,
    callChangedAt: () => calls.changedAt,
  });

  // Every message the conversation takes, in one place. Buffered signals are delivered as soon as their handler is
  // set, so everything they touch exists by now.
  setHandler(snapshotQuery, () => ({
    mode,
    handoff: handoff.snapshot(),
    pendingCount: batch.pending.length,
    turns: batch.turns,
    lastActivityAt: inbox.lastActivityAt === null ? null : new Date(inbox.lastActivityAt).toISOString(),
    lastChannel: routing.latestChannel,
    channels: routing.channels,
    webTurn: webChat.current && { sessionId: webChat.current.sessionId, turnId: webChat.current.turnId },
  }));
  setHandler(inboundSignal, async (message) => void (await inbox.record(message, { queue: true })));
  setHandler(callStartedSignal, (call) => calls.started(call));
  setHandler(voiceTurnUpdate, (turn) => calls.answer(turn));
  setHandler(interruptSignal, (interruption) => calls.interrupted(interruption));
  setHandler(callEndedSignal, (call) => calls.ended(call));
  setHandler(webTurnUpdate, (turn) => webChat.answer(turn));
  setHandler(agentMessageUpdate, (message) => outreach.message(message), { validator: (message) => outreach.validateMessage(message) });
  setHandler(placeCallUpdate, (request) => outreach.call(request), { validator: (request) => outreach.validateCall(request) });
  setHandler(sendCodeUpdate, (code) => outreach.code(code));
  setHandler(
    decideApprovalUpdate,
    async (decision) => {
      await approvals.decide(decision);
      // While people have the conversation the main loop waits on them: the decided call runs now (its outcome is
      // a note for the agent), not when the handoff ends.
      if (handoff.current) await approvals.settle();
    },
    { validator: (decision) => approvals.validateDecision(decision) },
  );
  setHandler(requestHandoffSignal, ({ reason }) => handoff.request(reason));
  setHandler(claimHandoffUpdate, (action) => handoff.claim(action), { validator: (action) => handoff.validateClaim(action) });
  setHandler(agentReplyUpdate, (action) => handoff.reply(action), { validator: (action) => handoff.validateReply(action) });
  setHandler(resolveHandoffUpdate, (action) => handoff.resolve(action), {
    validator: (action) => handoff.validateResolve(action),
  });
  setHandler(
    takeOverUpdate,
    async (action) => {
      // What waited for the assistant is the agent's now (already recorded, as in a handoff).
      if (!handoff.current) batch.clear();
      await handoff.takeOver(action);
    },
    { validator: (action) => handoff.validateTakeOver(action) },
  );
  setHandler(giveBackUpdate, (action) => handoff.giveBack(action), { validator: (action) => handoff.validateGiveBack(action) });

  upsertSearchAttributes([
    { key: searchAttributes.tenantId, value: tenantId },
    { key: searchAttributes.contactKey, value: input.contactLabel },
    { key: searchAttributes.mode, value: mode },
    { key: searchAttributes.handoffOpen, value: mode === 'handoff' },
    ...routing.attributes(),
  ]);

  function setMode(next: ConversationMode): void {
    mode = next;
    upsertSearchAttributes([
      { key: searchAttributes.mode, value: next },
      { key: searchAttributes.handoffOpen, value: next === 'handoff' },
    ]);
  }

  /**
   * Whether the run may end: nothing waits to be answered, asked for or decided (a tool call still waiting for a
   * person keeps the run: it would be lost with it), and nobody took the conversation over meanwhile.
   */
  const drained = () => batch.pending.length === 0 && handoff.requested === null && approvals.waiting.length === 0 && handoff.current === null;

  /** Summarizes, lets every handler finish, and says whether the run may end; marks the conversation closed if so. */
  async function summarizeAndDrain(): Promise<boolean> {
    await summarizeConversation({ conversationId });
    await condition(allHandlersFinished);
    if (!drained()) return false;
    if (!patched('inbox-closed')) return true;
    // The inbox shows it closed until its next message; a message that came meanwhile keeps the run going.
    await conversationClosed({ conversationId });
    await condition(allHandlersFinished);
    return drained();
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
      pending: batch.pending,
      recentProviderIds: inbox.recentProviderIds,
      turns: batch.turns,
      ...routing.carried(),
      handoff: handoff.current,
      call: calls.active,
      approvals: approvals.carried(),
    };
    return continueAsNew<typeof conversationWorkflow>({ ...input, carried: next });
  }

  for (;;) {
    if (handoff.requested !== null && !handoff.current) {
      await send({ notice: 'handoffAck', author: 'system' });
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
    await condition(() => batch.pending.length > 0 || handoff.requested !== null || handoff.current !== null || approvals.ready() || idle.expired);
    if (handoff.current) continue;
    if (approvals.ready()) {
      await approvals.settle();
      continue;
    }
    if (batch.pending.length === 0 && handoff.requested === null) {
      // Idle, but a tool call still waits for a person: the run waits with it.
      if (approvals.waiting.length > 0) {
        await condition(() => batch.pending.length > 0 || handoff.requested !== null || handoff.current !== null || approvals.ready() || continueAsNewDue());
        if (continueAsNewDue() && !handoff.current) await continueWithFreshHistory();
        continue;
      }
      if (await summarizeAndDrain()) return;
      continue;
    }
    if (batch.pending.length > 0) await batch.answer();
    if (!handoff.current && continueAsNewDue()) await continueWithFreshHistory();
  }
}
