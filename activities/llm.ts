import { Context } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import type { ChatMessage, ToolCall } from './context';
import { heartbeating } from './heartbeat';
import { modelReply } from './model-reply';
import { offlineReply } from './offline-reply';
import { finishStreamedReply } from './streamed-reply';
import { TokenStream } from './token-stream';
import { screenUnknownSender, type Screened } from './unknown-sender';
import { budgetOf } from '../db/repositories/usage';
import type { ToolPlan } from './tools/registry';
import type { Channel, ReplyTarget } from '../domain/channels';
import type { ReplyOptions } from '../domain/reply-options';
import type { ReplySource } from '../domain/citations';

export interface GenerateReplyInput {
  conversationId: string;
  tenantId: string;
  /** The newest message of the batch being answered; later messages are not part of this turn. */
  untilMessageId: string;
  /** Tool calls and results of this turn so far (empty on the first round). */
  toolExchange: ChatMessage[];
  /** false on the last allowed round, so the model must answer in text. */
  allowTools: boolean;
  /** The channel the reply goes out on, when it shapes the reply (a call wants short spoken sentences). */
  channel?: Channel;
  /**
   * A call or a web visitor waits for this reply live: its tokens go out on the conversation's event channel as
   * the model writes them, keyed by the turn, and the result is still the whole text. With `record`, the finished
   * reply is also recorded as that outbox row (the customer already has it), saving the delivery a step of its own.
   */
  stream?: { turnId: string; record?: { outboxId: string; contactKey: string; target: ReplyTarget } };
}

export type GenerateReplyResult =
  /**
   * `streamedAt`: when the last token of a streamed reply went out (the moment the customer had all of it).
   * `recordedAs`: the outbox row the streamed reply was recorded as, when asked to.
   * `superseded`: asked to record it, but the customer wrote again first: not recorded (the newer turn answers).
   * `options`: buttons to show under the reply (web chat only).
   * `model`: the model that wrote it (absent without one).
   * `sources`: the documents it cited (see the type).
   */
  | {
      kind: 'text';
      text: string;
      streamedAt?: string;
      recordedAs?: string;
      superseded?: boolean;
      options?: ReplyOptions;
      model?: string;
      /** The knowledge-base documents it cited; `[]`: a question of fact answered without any (marked). */
      sources?: ReplySource[];
    }
  /** `plans`: what to do with each call, decided by the tool registry (absent from results recorded before it). */
  | { kind: 'tool_calls'; assistant: ChatMessage; calls: ToolCall[]; plans?: ToolPlan[] }
  /** Hand the conversation to people, telling the customer with one of the service's texts. */
  | { kind: 'handoff'; reason: string; notice: 'handoffAck' | 'noAnswer' | 'budgetSpent' }
  /** Kept from the model by the tenant's inbound policy (a text from someone it has not written to). */
  | Screened;

/**
 * A turn's reply: by the model when there is one (`model-reply.ts`), else by the extractive responder
 * (`offline-reply.ts`), over the conversation as the turn sees it (`reply-context.ts`). Streamed when a customer waits
 * for it live, and then recorded by this activity when the turn asks (`streamed-reply.ts`).
 */
export function llmActivities(deps: ActivityDeps) {
  const { db, models } = deps;

  async function generate(input: GenerateReplyInput, signal: AbortSignal): Promise<GenerateReplyResult> {
    // Calls and web chats are answered whoever they are from; texts may be screened by the tenant's inbound policy.
    const screened = input.stream || input.toolExchange.length > 0 ? null : await screenUnknownSender(db, input);
    if (screened) return screened;
    const stream = input.stream ? new TokenStream(db, input.conversationId, input.stream.turnId, Context.current().info.attempt) : null;
    // A tenant whose monthly budget is spent gets people, not the model, until the month turns.
    if (models && (await budgetOf(db, input.tenantId)).state === 'spent') {
      return { kind: 'handoff', reason: "the tenant's monthly model token budget is spent", notice: 'budgetSpent' };
    }
    const reply = models ? await modelReply(models, deps, input, stream, signal) : await offlineReply(deps, input, stream, signal);
    if (!stream || reply.kind !== 'text') return reply;
    return finishStreamedReply(deps, input, reply, await stream.end());
  }

  return {
    /**
     * Safe to retry: it reads Postgres and calls the model; nothing is sent (streamed tokens are a live preview; the
     * result is what counts), and a streamed reply the turn asked to record is written under the turn's outbox id,
     * so a repeat finds it written.
     * Heartbeats while the model thinks, so a lost attempt is retried within seconds and a cancellation (a caller
     * who interrupts) aborts the call.
     */
    async generateReply(input: GenerateReplyInput): Promise<GenerateReplyResult> {
      return heartbeating((signal) => generate(input, signal));
    },
  };
}
