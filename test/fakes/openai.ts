import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson, startHttpServer, type RunningServer } from '../../devkit/http-server';

interface ChatRequestMessage {
  role: string;
  content: string | null;
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

export interface ChatRequest {
  model: string;
  messages: ChatRequestMessage[];
  tools?: { function: { name: string } }[];
  stream?: boolean;
}

export type FakeReply =
  /** `until`: the reply waits for this too (a test holding it back until something else happened). */
  | { content: string; delayMs?: number; until?: Promise<unknown> }
  /** Tool calls, with text written before them when `content` is given. */
  | { toolCalls: { name: string; arguments: Record<string, unknown> }[]; content?: string }
  | { error: { status: number; message: string; headers?: Record<string, string> } };

export interface FakeOpenAI extends RunningServer {
  /** The base URL to give the openai client (ends in /v1). */
  baseURL: string;
  apiKey: string;
  requests: ChatRequest[];
  /** When each request arrived (epoch ms), in the order of `requests`. */
  requestTimes: number[];
  /** Replies used in order before falling back to `respond`. */
  script(...replies: FakeReply[]): void;
  respond: (request: ChatRequest) => FakeReply;
  /** Milliseconds every completion waits before answering. */
  delayMs: number;
  /** Milliseconds between the tokens of a streamed completion (a model that writes at a human pace). */
  tokenDelayMs: number;
  /** Streamed completions whose caller hung up before the last token (a cancelled reply). */
  abandoned: number;
  /** The token counts each answered completion reported, in order. */
  usages: { prompt: number; completion: number }[];
  reset(): void;
}

/** The default model: repeats the customer's latest message so tests can tell which batch a reply answers. */
export function echoReply(request: ChatRequest): FakeReply {
  const users = request.messages.filter((m) => m.role === 'user');
  return { content: `echo: ${users.at(-1)?.content ?? ''}` };
}

function estimateTokens(messages: ChatRequestMessage[]): number {
  return messages.reduce((sum, m) => sum + Math.ceil((m.content ?? '').length / 4) + 4, 0);
}

/**
 * An OpenAI-compatible chat completions server: Bearer auth, `tools` and `tool_calls`, `stream: true` as
 * server-sent events, and OpenAI's error body with `retry-after` headers on scripted failures.
 */
export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const apiKey = `sk-test-${randomBytes(8).toString('hex')}`;
  const requests: ChatRequest[] = [];
  const requestTimes: number[] = [];
  const queue: FakeReply[] = [];

  const fake = {
    apiKey,
    requests,
    requestTimes,
    respond: echoReply,
    delayMs: 0,
    tokenDelayMs: 0,
    abandoned: 0,
    usages: [] as { prompt: number; completion: number }[],
    script: (...replies: FakeReply[]) => void queue.push(...replies),
    reset() {
      requests.length = 0;
      requestTimes.length = 0;
      queue.length = 0;
      fake.respond = echoReply;
      fake.delayMs = 0;
      fake.tokenDelayMs = 0;
      fake.abandoned = 0;
      fake.usages.length = 0;
    },
  };

  const server = await startHttpServer(async (req, body, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      return sendJson(res, 404, { error: { message: 'Not found', type: 'invalid_request_error' } });
    }
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    const request = JSON.parse(body) as ChatRequest;
    requests.push(request);
    requestTimes.push(Date.now());
    const reply = queue.shift() ?? fake.respond(request);
    const delayMs = ('delayMs' in reply ? reply.delayMs : undefined) ?? fake.delayMs;
    const until = 'until' in reply ? reply.until : undefined;
    if (delayMs > 0 || until) {
      // A slow model; a caller that hangs up (a killed worker, a cancelled call) ends the wait.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => void (until ?? Promise.resolve()).then(() => resolve()), delayMs);
        res.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (res.destroyed) return;
    }
    if ('error' in reply) {
      return sendJson(
        res,
        reply.error.status,
        { error: { message: reply.error.message, type: reply.error.status === 429 ? 'rate_limit_exceeded' : 'server_error' } },
        reply.error.headers,
      );
    }
    const id = `chatcmpl-${randomBytes(6).toString('hex')}`;
    const toolCalls =
      'toolCalls' in reply
        ? reply.toolCalls.map((call, index) => ({
            index,
            id: `call_${randomBytes(6).toString('hex')}`,
            type: 'function',
            function: { name: call.name, arguments: JSON.stringify(call.arguments) },
          }))
        : undefined;
    const content = 'content' in reply ? (reply.content ?? null) : null;
    const finishReason = toolCalls ? 'tool_calls' : 'stop';
    const usage = { prompt_tokens: estimateTokens(request.messages), completion_tokens: Math.ceil((content ?? '').length / 4), total_tokens: 0 };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    fake.usages.push({ prompt: usage.prompt_tokens, completion: usage.completion_tokens });
    if (request.stream) {
      const finished = await streamCompletion(res, { id, model: request.model, content, toolCalls, finishReason, usage }, fake.tokenDelayMs);
      if (!finished) fake.abandoned += 1;
      return;
    }
    return sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [{ index: 0, message: { role: 'assistant', content, tool_calls: toolCalls, refusal: null }, finish_reason: finishReason, logprobs: null }],
      usage,
    });
  });

  return Object.assign(fake, server, { baseURL: `${server.url}/v1` });
}

async function streamCompletion(
  res: ServerResponse,
  reply: { id: string; model: string; content: string | null; toolCalls: unknown[] | undefined; finishReason: string; usage: object },
  tokenDelayMs: number,
): Promise<boolean> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta: object, finish: string | null, usage: object | null = null) =>
    res.write(
      `data: ${JSON.stringify({ id: reply.id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: reply.model, choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }], usage })}\n\n`,
    );
  chunk({ role: 'assistant', content: '' }, null);
  for (const token of (reply.content ?? '').match(/\S+\s*/g) ?? []) {
    if (tokenDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, tokenDelayMs));
    if (res.destroyed) return false;
    chunk({ content: token }, null);
  }
  // As OpenAI streams them: the text first, then the calls.
  if (reply.toolCalls) chunk({ tool_calls: reply.toolCalls }, null);
  chunk({}, reply.finishReason);
  chunk({}, null, reply.usage);
  res.end('data: [DONE]\n\n');
  return true;
}

/** What the tools answered in a request the model got, in order, each parsed from its JSON. */
export function toolAnswers(request: ChatRequest | undefined): Record<string, unknown>[] {
  return (request?.messages ?? []).filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content ?? 'null') as Record<string, unknown>);
}
