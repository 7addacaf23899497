import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type OpenAI from 'openai';
import type { ActivityDeps } from './deps';
import { buildContext, type ChatMessage, type ToolCall } from './context';
import { extractiveReply } from './extractive';
import { heartbeating } from './heartbeat';
import { callModel, streamModel } from './model-call';
import { TokenStream } from './token-stream';
import { optionsShown, toolsFor } from './tools';
import type { Channel, ReplyTarget } from '../domain/channels';
import { showOptionsTool, type ReplyOptions } from '../domain/reply-options';
import { recordStreamedReply } from '../db/repositories/outbox';
import { getPromptSettings } from '../db/repositories/conversations';
import { customerWroteSince, recentMessagesUntil } from '../db/repositories/messages';

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
   */
  | { kind: 'text'; text: string; streamedAt?: string; recordedAs?: string; superseded?: boolean; options?: ReplyOptions }
  | { kind: 'tool_calls'; assistant: ChatMessage; calls: ToolCall[] }
  /** Hand the conversation to people, telling the customer with one of the service's texts. */
  | { kind: 'handoff'; reason: string; notice: 'handoffAck' | 'noAnswer' };

const defaultSystemPrompt =
  'You are a helpful customer service assistant answering over SMS or chat. Reply briefly and plainly, in the ' +
  "customer's language. Use the knowledge base for facts about the company; never invent prices, hours or policies.";

const voiceInstructions =
  'This turn is spoken on a phone call: answer in one to three short spoken sentences, with no lists, links, ' +
  'emoji or formatting.';

/**
 * Newest messages a turn sees (about 20 exchanges), also capped by LLM_CONTEXT_TOKENS; older ones reach the model
 * through the rolling summary, so the prompt stops growing however long the conversation.
 */
const historyLimit = 40;

/** The text of the assistant's tool-calling messages so far in a turn, as the customer got it live. */
function writtenBefore(toolExchange: ChatMessage[]): string {
  return toolExchange.map((m) => (m.role === 'assistant' && typeof m.content === 'string' ? m.content : '')).join('');
}

/** `text` word by word, `msPerWord` apart; stops (throwing) when `signal` aborts. */
async function speak(text: string, msPerWord: number, signal: AbortSignal, push: (word: string) => void): Promise<void> {
  for (const [index, word] of (text.match(/\S+\s*/g) ?? []).entries()) {
    if (index > 0) await sleep(msPerWord, undefined, { signal });
    push(word);
  }
}

export function llmActivities(deps: ActivityDeps) {
  const { db, openai, llm } = deps;

  async function generate(input: GenerateReplyInput, signal: AbortSignal): Promise<GenerateReplyResult> {
    const [settings, newestFirst] = await Promise.all([
      openai ? getPromptSettings(db, input.conversationId) : undefined,
      recentMessagesUntil(db, input.conversationId, input.untilMessageId, historyLimit),
    ]);
    const stream = input.stream ? new TokenStream(db, input.conversationId, input.stream.turnId, Context.current().info.attempt) : null;
    if (!openai) {
      const reply = await extractiveReply(db, input.tenantId, newestFirst, input.channel);
      if (stream && reply.kind === 'text') {
        // Written at a speaking pace, as a model would: a caller can cut in, a visitor sees it grow.
        await speak(reply.text, llm.offlineWordMs, signal, (word) => stream.push(word));
        return streamed(input, reply.text, await stream.end(), reply.options ?? null);
      }
      return reply;
    }

    const systemPrompt = settings?.systemPrompt || defaultSystemPrompt;
    const messages = [
      ...buildContext({
        systemPrompt: input.channel === 'voice' ? `${systemPrompt}\n\n${voiceInstructions}` : systemPrompt,
        summary: settings?.summary ?? null,
        newestFirst,
        budgetTokens: llm.contextTokens,
      }),
      ...input.toolExchange,
    ];
    const request = {
      model: llm.model,
      messages: messages as OpenAI.Chat.ChatCompletionMessageParam[],
      ...(input.allowTools ? { tools: toolsFor(input.channel) } : {}),
    };
    // What the model wrote before calling a tool in this turn's earlier rounds already reached the customer live:
    // the reply goes on from it, and is recorded with it.
    const before = stream ? writtenBefore(input.toolExchange) : '';
    const separator = before && !/\s$/.test(before) ? ' ' : '';
    let lead = separator;
    const answer = stream
      ? await streamModel(openai, { ...request, stream_options: { include_usage: true } }, signal, (token) => {
          stream.push(lead + token);
          lead = '';
        })
      : await callModel(openai, request, signal);
    // Buttons asked for alongside the text end the turn; asked for alone (or with other tools) they wait for it.
    const onlyButtons = answer.calls.every((call) => call.function.name === showOptionsTool);
    if (answer.calls.length > 0 && !(onlyButtons && answer.text)) {
      return { kind: 'tool_calls', assistant: { role: 'assistant', content: answer.content, tool_calls: answer.calls }, calls: answer.calls };
    }
    if (!answer.text) throw ApplicationFailure.retryable('the model returned an empty reply', 'EmptyReply');
    const options = input.channel === 'web' ? optionsShown(input.toolExchange, answer.calls) : null;
    if (!stream) return { kind: 'text', text: answer.text, ...(options ? { options } : {}) };
    return streamed(input, `${before}${separator}${answer.text}`, await stream.end(), options);
  }

  /** The result of a streamed reply, recorded first when the turn asked for it. */
  async function streamed(input: GenerateReplyInput, text: string, endedAt: Date, options: ReplyOptions | null = null): Promise<GenerateReplyResult> {
    const record = input.stream?.record;
    const result = { kind: 'text' as const, text, streamedAt: endedAt.toISOString(), ...(options ? { options } : {}) };
    if (!record) return result;
    // The turn stops this reply when the customer writes again, but the word may come after its last token: a reply
    // overtaken by a newer message stays unrecorded, as the turn that superseded it expects.
    if (await customerWroteSince(db, input.conversationId, input.untilMessageId)) return { ...result, superseded: true };
    const { outboxId, target, contactKey } = record;
    await recordStreamedReply(
      db,
      {
        id: outboxId,
        conversation_id: input.conversationId,
        tenant_id: input.tenantId,
        direction: 'outbound',
        author: 'ai',
        channel: target.channel,
        from_address: target.sender ?? '',
        to_address: target.address,
        body: text,
        options: options && JSON.stringify(options),
        status: 'spoken',
        provider_message_id: `${target.address}:${outboxId}`,
        created_at: endedAt,
      },
      { tenantId: input.tenantId, contactKey, channel: target.channel },
    );
    return { ...result, recordedAs: outboxId };
  }

  return {
    /**
     * Safe to retry: it only reads Postgres and calls the model; nothing is sent or written until the workflow
     * decides what to do with the result (streamed tokens are a live preview; the result is what counts).
     * Heartbeats while the model thinks, so a lost attempt is retried within seconds and a cancellation (a caller
     * who interrupts) aborts the call.
     */
    async generateReply(input: GenerateReplyInput): Promise<GenerateReplyResult> {
      return heartbeating((signal) => generate(input, signal));
    },
  };
}
