import { ApplicationFailure } from '@temporalio/activity';
import OpenAI from 'openai';
import type { ToolCall } from './context';
import { withoutNul } from '../domain/nul';

/** `usage`: the tokens the provider counted (null when it did not say). */
export type ModelAnswer = { text: string; calls: ToolCall[]; content: string | null; usage: TokenUsage | null };

export interface TokenUsage {
  prompt: number;
  completion: number;
}

function usageOf(usage: OpenAI.CompletionUsage | null | undefined): TokenUsage | null {
  return usage ? { prompt: usage.prompt_tokens, completion: usage.completion_tokens } : null;
}

type Request = Omit<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, 'stream'>;

/*
 * What the model writes is taken without U+0000, like everything else the service takes in: a reply, a tool's
 * arguments or a handoff's reason carrying one could be stored nowhere.
 */

/** One chat completion, in one piece. */
export async function callModel(openai: OpenAI, body: Request, signal: AbortSignal): Promise<ModelAnswer> {
  const completion = await mapErrors(() => openai.chat.completions.create({ ...body, stream: false }, { signal }));
  const message = completion.choices[0]?.message;
  const calls = (message?.tool_calls ?? []).filter((c) => c.type === 'function');
  const content = message?.content == null ? null : withoutNul(message.content);
  return {
    text: content?.trim() ?? '',
    content,
    calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: withoutNul(c.function.name), arguments: withoutNul(c.function.arguments) } })),
    usage: usageOf(completion.usage),
  };
}

/**
 * One chat completion streamed: `onToken` gets each piece of text as the model writes it; tool calls are put
 * together from their fragments and returned whole.
 */
export async function streamModel(openai: OpenAI, body: Request, signal: AbortSignal, onToken: (text: string) => void): Promise<ModelAnswer> {
  return mapErrors(async () => {
    const stream = await openai.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } }, { signal });
    let content = '';
    let usage: TokenUsage | null = null;
    const calls: ToolCall[] = [];
    for await (const chunk of stream) {
      usage = usageOf(chunk.usage) ?? usage;
      const delta = chunk.choices[0]?.delta;
      const token = withoutNul(delta?.content ?? '');
      if (token) {
        content += token;
        onToken(token);
      }
      for (const fragment of delta?.tool_calls ?? []) {
        const call = (calls[fragment.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
        if (fragment.id) call.id = fragment.id;
        if (fragment.function?.name) call.function.name += withoutNul(fragment.function.name);
        if (fragment.function?.arguments) call.function.arguments += withoutNul(fragment.function.arguments);
      }
    }
    return { text: content.trim(), content: content || null, calls: calls.filter(Boolean), usage };
  });
}

/**
 * Maps provider errors onto Temporal's retry policy: 429 waits as long as the provider asks, 5xx, timeouts and
 * network errors retry with the activity's backoff, and other 4xx (bad key, bad request) fail at once because
 * repeating them cannot help.
 */
async function mapErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof OpenAI.APIError) || error.status === undefined) throw error;
    const message = `LLM ${error.status}: ${error.message}`;
    if (error.status === 429) {
      throw ApplicationFailure.create({ message, type: 'RateLimited', nextRetryDelay: retryAfterMs(error.headers) ?? undefined });
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
