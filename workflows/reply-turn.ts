import { ActivityFailure, isCancellation, log, patched, uuid4 } from '@temporalio/workflow';
import type { ChatMessage, ToolCall } from '../activities/context';
import type { GenerateReplyResult } from '../activities/llm';
import type { Delivery } from '../activities/outbound';
import { showOptionsTool, type ReplyOptions } from '../domain/reply-options';
import type { ServiceTextKey } from '../domain/texts';
import type { Channel, ReplyTarget } from '../domain/channels';
import { withoutNul } from '../domain/nul';
import { generateReply, searchKnowledge } from './activity-proxies';
import type { InboundMessage } from './definitions';
import { runToolCalls, toolRegistryPatch } from './tool-calls';

export type TurnResult = Exclude<GenerateReplyResult, { kind: 'tool_calls' }>;

export interface TurnContext {
  conversationId: string;
  tenantId: string;
  maxToolRounds: number;
  /** Opens an approval for a write that needs one (the call waits for a person); its id. */
  askApproval?: AskApproval;
  /**
   * Writes made since the conversation's last settled turn, by tool and arguments, with what they answered: a turn
   * thrown away (the customer wrote again) or cut short leaves its writes done, and the turn that follows gets their
   * answers instead of acting again. Fresh for each turn when absent.
   */
  writes?: Map<string, string>;
  /**
   * Set for a live channel (a call): the reply's tokens stream as they are written, keyed by this turn, and the
   * finished reply is recorded as `record` (the customer already has it).
   */
  live?: { channel: Channel; turnId: string; record?: { outboxId: string; contactKey: string; target: ReplyTarget } };
}

export type AskApproval = (tool: string, args: Record<string, unknown>, key: string) => Promise<string>;

/** Why a turn went to people when the model could not answer. */
const modelUnavailable = 'the AI could not answer: the model stayed unavailable through every retry';

/** How a turn ended, settled in one place (`settleTurn`) whatever the channel. */
export type TurnOutcome =
  | { kind: 'answered'; text: string; messageId: string | null; options?: ReplyOptions }
  | { kind: 'handoff'; reason: string; messageId: string | null; taskId: string }
  /** The customer wrote again before the reply was recorded: nothing was kept or sent; the newer turn answers. */
  | { kind: 'superseded' }
  /** Kept from the model by the tenant's inbound policy: its notice sent when one was due. */
  | { kind: 'screened'; messageId: string | null };

/** What settling a turn needs of the conversation. */
export interface SettleHost {
  /** Sends to `target` (or where replies go now); null when refused or there is nowhere to send. */
  deliver(delivery: Delivery, target?: ReplyTarget | null): Promise<string | null>;
  /** Hands the conversation to people; the task's id. */
  openHandoff(reason: string): string;
  /** A turn was answered or handed over (not superseded): the customer has heard of what its writes did. */
  turnSettled?(): void;
  /** A person has the conversation now (taken over while the model wrote): a reply not yet sent is theirs to give. */
  personHasIt?(): boolean;
}

/**
 * Settles a turn, the same on every channel. No reply (the model stayed down): the service's fallback text, and
 * people take over. The model handing over: its notice (or the channel's own, `handoffNotice`: a call hears the
 * transfer text), and people take over; the notice is the AI's when it is the model's, the service's otherwise. A
 * reply overtaken by a newer message (only a reply the activity was to record, on a live channel): superseded.
 * Otherwise the reply: recorded by the activity that streamed it (`recordedAs`), or delivered now; on a live channel
 * it takes its place when the customer had it (`streamedAt`).
 */
export async function settleTurn(
  reply: TurnResult | null,
  host: SettleHost,
  target: ReplyTarget | null,
  { live, handoffNotice }: { live: boolean; handoffNotice?: ServiceTextKey },
): Promise<TurnOutcome> {
  // Taken over while the model wrote: the person has the conversation, and nothing the assistant wrote goes out.
  if (!live && host.personHasIt?.() && patched('person-holds-reply')) return { kind: 'superseded' };
  if (reply?.kind === 'screened') {
    const messageId = reply.notice ? await host.deliver({ notice: reply.notice, author: 'system' }, target) : null;
    host.turnSettled?.();
    return { kind: 'screened', messageId };
  }
  if (!reply || reply.kind === 'handoff') {
    const notice = !reply ? 'fallback' : (handoffNotice ?? reply.notice);
    const messageId = await host.deliver({ notice, author: reply && !handoffNotice ? 'ai' : 'system' }, target);
    const reason = reply?.reason ?? modelUnavailable;
    host.turnSettled?.();
    return { kind: 'handoff', reason, messageId, taskId: host.openHandoff(reason) };
  }
  if (reply.superseded) return { kind: 'superseded' };
  host.turnSettled?.();
  const options = reply.options ? { options: reply.options } : {};
  const streamedAt = live ? { streamedAt: reply.streamedAt ?? new Date().toISOString() } : {};
  const model = reply.model ? { model: reply.model } : {};
  const sources = reply.sources ? { sources: reply.sources } : {};
  const messageId = reply.recordedAs ?? (await host.deliver({ text: reply.text, author: 'ai', ...streamedAt, ...options, ...model, ...sources }, target));
  return { kind: 'answered', text: reply.text, messageId, ...options };
}

/** What the conversation lends a live channel (calls, web chat): who it is, recording, delivery, the handoff. */
export interface LiveChannelHost extends SettleHost {
  conversationId: string;
  tenantId: string;
  contactKey: string;
  maxToolRounds: number;
  askApproval: AskApproval;
  writes: Map<string, string>;
  /** Records a customer message as any other (de-duplicated); null for one seen before. */
  record(message: InboundMessage): Promise<{ messageId: string } | null>;
  setTarget(target: ReplyTarget): void;
  personHasIt(): boolean;
}

/**
 * A live channel's turn (a call, a web chat): its reply streams to the customer while it is written, and the activity
 * that streams it records it, since the customer already has it.
 */
export function liveTurnContext(host: LiveChannelHost, channel: Channel, turnId: string, target: ReplyTarget): TurnContext {
  return {
    conversationId: host.conversationId,
    tenantId: host.tenantId,
    maxToolRounds: host.maxToolRounds,
    askApproval: host.askApproval,
    writes: host.writes,
    live: { channel, turnId, record: { outboxId: `out:${uuid4()}`, contactKey: host.contactKey, target } },
  };
}

/**
 * One model turn with its tool rounds: each tool call runs as its own activity and its result goes back to the
 * model. `handoff_to_human` ends the turn with a handoff. Returns null when the model stayed unavailable through
 * every retry.
 */
export async function replyTurn(context: TurnContext, untilMessageId: string): Promise<TurnResult | null> {
  const toolExchange: ChatMessage[] = [];
  const writes = context.writes ?? new Map<string, string>();
  for (let round = 0; ; round += 1) {
    let result: GenerateReplyResult;
    try {
      result = await generateReply({
        conversationId: context.conversationId,
        tenantId: context.tenantId,
        untilMessageId,
        toolExchange,
        allowTools: round < context.maxToolRounds,
        ...(context.live ? { channel: context.live.channel, stream: { turnId: context.live.turnId, record: context.live.record } } : {}),
      });
    } catch (error) {
      // A cancelled turn (the caller cut in) is the caller's business, not a model failure.
      if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
      log.warn('reply generation failed after retries', { error: error.cause?.message ?? error.message });
      return null;
    }
    if (result.kind !== 'tool_calls') return result;
    if (result.plans && patched(toolRegistryPatch)) {
      const channel = context.live ? { channel: context.live.channel } : {};
      const approvals = context.askApproval ? { askApproval: context.askApproval } : {};
      const outcome = await runToolCalls({ tenantId: context.tenantId, conversationId: context.conversationId, ...channel, ...approvals, untilMessageId, round, writes }, result.plans);
      if (outcome.kind === 'handoff') return { kind: 'handoff', reason: outcome.reason, notice: 'handoffAck' };
      toolExchange.push(result.assistant, ...outcome.messages);
      continue;
    }
    // Turns recorded before the tool registry.
    const handoff = result.calls.find((call) => call.function.name === 'handoff_to_human');
    if (handoff) {
      const reason = String(parseArguments(handoff)?.reason ?? 'the assistant asked for a person');
      return { kind: 'handoff', reason, notice: 'handoffAck' };
    }
    toolExchange.push(result.assistant);
    for (const call of result.calls) {
      toolExchange.push({ role: 'tool', tool_call_id: call.id, content: await runTool(context, call) });
    }
  }
}

/** A tool call's arguments, as an object; their text without NUL characters (JSON may spell one as `\u0000`). */
function parseArguments(call: ToolCall): Record<string, unknown> | null {
  try {
    const parsed: unknown = withoutNul(JSON.parse(call.function.arguments));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

async function runTool(context: TurnContext, call: ToolCall): Promise<string> {
  const args = parseArguments(call);
  if (!args) return `error: the arguments of ${call.function.name} are not a JSON object`;
  try {
    switch (call.function.name) {
      case 'search_knowledge':
        return await searchKnowledge({ tenantId: context.tenantId, query: String(args.query ?? '') });
      case showOptionsTool:
        return 'The buttons will be shown under your reply. Now write the reply.';
      default:
        return `error: there is no tool named ${call.function.name}`;
    }
  } catch (error) {
    if (error instanceof ActivityFailure && !isCancellation(error)) return `error: ${call.function.name} failed, answer without it`;
    throw error;
  }
}
