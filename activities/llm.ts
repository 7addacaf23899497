import { ApplicationFailure } from '@temporalio/activity';
import OpenAI from 'openai';
import type { ActivityDeps } from './deps';
import { buildContext, type ChatMessage, type ToolCall } from './context';
import { extractiveReply } from './extractive';
import { heartbeating } from './heartbeat';
import { toolDefinitions } from './tools';
import { getPromptSettings } from '../db/repositories/conversations';
import { recentMessagesUntil } from '../db/repositories/messages';

export interface GenerateReplyInput {
  conversationId: string;
  tenantId: string;
  /** The newest message of the batch being answered; later messages are not part of this turn. */
  untilMessageId: string;
  /** Tool calls and results of this turn so far (empty on the first round). */
  toolExchange: ChatMessage[];
  /** false on the last allowed round, so the model must answer in text. */
  allowTools: boolean;
}

export type GenerateReplyResult =
  | { kind: 'text'; text: string }
  | { kind: 'tool_calls'; assistant: ChatMessage; calls: ToolCall[] }
  /** Hand the conversation to people, telling the customer with one of the service's texts. */
  | { kind: 'handoff'; reason: string; notice: 'handoffAck' | 'noAnswer' };

const defaultSystemPrompt =
  'You are a helpful customer service assistant answering over SMS or chat. Reply briefly and plainly, in the ' +
  "customer's language. Use the knowledge base for facts about the company; never invent prices, hours or policies.";

/**
 * Newest messages a turn sees (about 20 exchanges), also capped by LLM_CONTEXT_TOKENS; older ones reach the model
 * through the rolling summary, so the prompt stops growing however long the conversation.
 */
const historyLimit = 40;

export function llmActivities(deps: ActivityDeps) {
  const { db, openai, llm } = deps;
  return {
    /**
     * Safe to retry: it only reads Postgres and calls the model; nothing is sent or written until the workflow
     * decides what to do with the result. Heartbeats while the model thinks, so a lost attempt is retried within
     * seconds and a cancellation aborts the call.
     */
    async generateReply(input: GenerateReplyInput): Promise<GenerateReplyResult> {
      return heartbeating((signal) => generate(input, signal));
    },
  };

  async function generate(input: GenerateReplyInput, signal: AbortSignal): Promise<GenerateReplyResult> {
    const [settings, newestFirst] = await Promise.all([
      openai ? getPromptSettings(db, input.conversationId) : undefined,
      recentMessagesUntil(db, input.conversationId, input.untilMessageId, historyLimit),
    ]);
    if (!openai) return extractiveReply(db, input.tenantId, newestFirst);

    const messages = [
      ...buildContext({
        systemPrompt: settings?.systemPrompt || defaultSystemPrompt,
        summary: settings?.summary ?? null,
        newestFirst,
        budgetTokens: llm.contextTokens,
      }),
      ...input.toolExchange,
    ];
    const completion = await callModel(
      openai,
      {
        model: llm.model,
        messages: messages as OpenAI.Chat.ChatCompletionMessageParam[],
        ...(input.allowTools ? { tools: toolDefinitions } : {}),
      },
      signal,
    );
    const choice = completion.choices[0];
    const calls = (choice?.message.tool_calls ?? []).filter((c) => c.type === 'function');
    if (calls.length > 0) {
      const toolCalls: ToolCall[] = calls.map((c) => ({
        id: c.id,
        type: 'function',
        function: { name: c.function.name, arguments: c.function.arguments },
      }));
      return {
        kind: 'tool_calls',
        assistant: { role: 'assistant', content: choice?.message.content ?? null, tool_calls: toolCalls },
        calls: toolCalls,
      };
    }
    const text = choice?.message.content?.trim();
    if (!text) throw ApplicationFailure.retryable('the model returned an empty reply', 'EmptyReply');
    return { kind: 'text', text };
  }
}

/**
 * Maps provider errors onto Temporal's retry policy: 429 waits as long as the provider asks, 5xx, timeouts and
 * network errors retry with the activity's backoff, and other 4xx (bad key, bad request) fail at once because
 * repeating them cannot help.
 */
async function callModel(
  openai: OpenAI,
  body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
  signal: AbortSignal,
): Promise<OpenAI.Chat.ChatCompletion> {
  try {
    return await openai.chat.completions.create(body, { signal });
  } catch (error) {
    if (!(error instanceof OpenAI.APIError) || error.status === undefined) throw error;
    const message = `LLM ${error.status}: ${error.message}`;
    if (error.status === 429) {
      return Promise.reject(
        ApplicationFailure.create({
          message,
          type: 'RateLimited',
          nextRetryDelay: retryAfterMs(error.headers) ?? undefined,
        }),
      );
    }
    if (error.status >= 500 || error.status === 408 || error.status === 409) throw error;
    throw ApplicationFailure.nonRetryable(message, 'LlmRequestRejected');
  }
}

export function retryAfterMs(headers: Headers | undefined): number | null {
  const ms = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const seconds = Number(headers?.get('retry-after'));
  if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  return null;
}
