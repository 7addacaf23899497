import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ChatMessage, ToolCall } from '../activities/context';
import type { GenerateReplyResult } from '../activities/llm';
import { batchDeadline, rememberId } from './batching';
import { keywordOf } from './keywords';
import {
  inboundSignal,
  searchAttributes,
  snapshotQuery,
  type CarriedState,
  type ConversationInput,
  type PendingMessage,
} from './definitions';

const { recordInbound, flagConversation } = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  // No attempt limit: an inbound message must never be lost, even through a long Postgres outage, and the writes
  // are idempotent (deterministic row id + unique provider id; the attention flag sets one field).
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

const { generateReply } = proxyActivities<Activities>({
  startToCloseTimeout: '60 seconds',
  // Safe to repeat (reads and a model call). Bounded so a customer hears back within seconds when the model is
  // down: after the last attempt the workflow sends the fallback message.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
});

const { searchKnowledge } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  // Read-only. A failed lookup becomes a tool error the model can work around, so a few attempts suffice.
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 3 },
});

const { sendMessage, sendHelpReply } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // The outbox row makes a repeat skip parts Twilio already accepted; Twilio 4xx fail at once (non-retryable).
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

const { summarizeConversation } = proxyActivities<Activities>({
  startToCloseTimeout: '60 seconds',
  // Overwrites one field; losing a summary only shortens what the next run remembers.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});

const dedupeWindow = 500;

export const fallbackReply =
  "Sorry, I can't answer right now. Your message is saved and we'll get back to you as soon as we can.";

/**
 * One customer conversation. Messages are recorded as they arrive, answered in batches (one model turn per burst),
 * and replies go out on the channel of the newest message answered. Ends after `idleMs` without messages; the
 * next message starts a new run that picks up the stored summary.
 */
export async function conversationWorkflow(input: ConversationInput): Promise<void> {
  const { tenantId, contactKey, settings } = input;
  const conversationId = workflowInfo().workflowId;
  let pending: PendingMessage[] = [...(input.carried?.pending ?? [])];
  let recentIds = input.carried?.recentProviderIds ?? [];
  let turns = input.carried?.turns ?? 0;
  const optedOut = new Set(input.carried?.optedOutChannels ?? []);
  const mode = input.carried?.mode ?? 'ai';
  let arrivals = 0;
  let lastActivityAt: number | null = null;
  let lastChannel = pending.at(-1)?.message.channel ?? null;

  setHandler(snapshotQuery, () => ({
    mode,
    pendingCount: pending.length,
    turns,
    lastActivityAt: lastActivityAt === null ? null : new Date(lastActivityAt).toISOString(),
    lastChannel,
  }));

  setHandler(inboundSignal, async (message) => {
    if (recentIds.includes(message.providerMessageId)) return;
    recentIds = rememberId(recentIds, message.providerMessageId, dedupeWindow);
    const entry: PendingMessage = { message, messageId: null, arrivedAt: Date.now() };
    pending.push(entry);
    arrivals += 1;
    lastActivityAt = entry.arrivedAt;
    if (message.channel !== lastChannel) {
      lastChannel = message.channel;
      upsertSearchAttributes([{ key: searchAttributes.channel, value: message.channel }]);
    }
    const recorded = await recordInbound({ conversationId, tenantId, contactKey, message });
    const keyword = keywordOf(message.body);
    if (!recorded.duplicate && keyword === 'stop') optedOut.add(message.channel);
    if (!recorded.duplicate && keyword === 'start') optedOut.delete(message.channel);
    // Opt-out keywords are handled by recordInbound (and by Twilio's own replies), never by a model turn.
    if (recorded.duplicate || keyword) pending = pending.filter((p) => p !== entry);
    else entry.messageId = recorded.messageId;
    if (!recorded.duplicate && keyword === 'help') await deliver(message, { help: true });
  });

  upsertSearchAttributes([
    { key: searchAttributes.tenantId, value: tenantId },
    { key: searchAttributes.contactKey, value: input.contactLabel },
    { key: searchAttributes.mode, value: mode },
    ...(lastChannel ? [{ key: searchAttributes.channel, value: lastChannel }] : []),
  ]);

  /** Waits out the batching window, then until every message of the batch is recorded. */
  async function batchWindow(): Promise<void> {
    for (;;) {
      const deadline = batchDeadline(pending.map((p) => p.arrivedAt), settings.batchQuietMs, settings.batchMaxWaitMs);
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      const seen = arrivals;
      await condition(() => arrivals !== seen, remaining);
    }
    await condition(() => pending.every((p) => p.messageId !== null));
  }

  async function runTool(call: ToolCall): Promise<string> {
    let args: Record<string, unknown>;
    try {
      args = JSON.parse(call.function.arguments) as Record<string, unknown>;
    } catch {
      return `error: the arguments of ${call.function.name} are not valid JSON`;
    }
    try {
      switch (call.function.name) {
        case 'search_knowledge':
          return await searchKnowledge({ tenantId, query: String(args.query ?? '') });
        default:
          return `error: there is no tool named ${call.function.name}`;
      }
    } catch (error) {
      if (error instanceof ActivityFailure) return `error: ${call.function.name} failed, answer without it`;
      throw error;
    }
  }

  /** One model turn with its tool rounds; null when the model stayed unavailable through every retry. */
  async function replyTurn(untilMessageId: string): Promise<Exclude<GenerateReplyResult, { kind: 'tool_calls' }> | null> {
    const toolExchange: ChatMessage[] = [];
    for (let round = 0; ; round += 1) {
      let result: GenerateReplyResult;
      try {
        result = await generateReply({
          conversationId,
          tenantId,
          untilMessageId,
          toolExchange,
          allowTools: round < settings.maxToolRounds,
        });
      } catch (error) {
        if (error instanceof ActivityFailure) {
          log.warn('reply generation failed after retries; sending the fallback', { error: error.message });
          return null;
        }
        throw error;
      }
      if (result.kind !== 'tool_calls') return result;
      toolExchange.push(result.assistant);
      for (const call of result.calls) {
        toolExchange.push({ role: 'tool', tool_call_id: call.id, content: await runTool(call) });
      }
    }
  }

  /**
   * Answers everything pending as one turn. Staleness policy: if newer messages arrive while the reply is being
   * generated, the reply is discarded and the turn regenerated with them included (at most
   * `maxStaleRestarts` times); after that the reply goes out and the newer messages form the next batch. So a
   * customer never gets an answer to an older question after a newer one was answered.
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
      const reply = await replyTurn(newest.messageId);
      if (pending.length > batch.length && restarts < settings.maxStaleRestarts) continue;
      pending = pending.filter((p) => !batch.includes(p));
      turns += 1;
      await deliver(newest.message, { text: reply?.text ?? fallbackReply });
      await markAttention(reply ? null : 'the model was unavailable; the customer got the fallback message');
      return;
    }
  }

  /** Flags the conversation for people when the AI could not answer, and clears the flag once it answers again. */
  let attention = input.carried?.attention ?? null;
  async function markAttention(reason: string | null): Promise<void> {
    if (reason === attention) return;
    attention = reason;
    await flagConversation({ conversationId, reason });
  }

  /** Sends on the channel of the message answered, to its sender, from the number it was sent to. */
  async function deliver(answered: PendingMessage['message'], content: { text: string } | { help: true }): Promise<void> {
    const target = {
      outboxId: `out:${uuid4()}`,
      conversationId,
      tenantId,
      contactKey,
      channel: answered.channel,
      to: answered.from,
      from: answered.to,
    };
    try {
      if ('help' in content) await sendHelpReply(target);
      else await sendMessage({ ...target, body: content.text, author: 'ai' });
    } catch (error) {
      // Recorded on the outbound row (opted out, a Twilio rejection, or retries exhausted); the conversation goes on.
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn('reply not delivered', { error: error.message });
    }
  }

  for (;;) {
    const active = await condition(() => pending.length > 0, settings.idleMs);
    if (!active) {
      await summarizeConversation({ conversationId });
      await condition(allHandlersFinished);
      if (pending.length === 0) return;
      continue;
    }
    await answerPending();
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > settings.maxHistoryEvents) {
      // The summary keeps what the next run's model turns cannot see any more within their token budget.
      await summarizeConversation({ conversationId });
      await condition(allHandlersFinished);
      const carried: CarriedState = { pending, recentProviderIds: recentIds, mode, turns, optedOutChannels: [...optedOut], attention };
      await continueAsNew<typeof conversationWorkflow>({ ...input, carried });
    }
  }
}
