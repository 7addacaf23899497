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
  /** Every `/v1/embeddings` request: its model, texts and `input_type` (query or document) when sent. */
  embeddingRequests: { model: string; input: string[]; inputType: string | null }[];
  /** When set, `/v1/embeddings` answers with this error status (an endpoint that is down). */
  embeddingsFailWith: number | null;
  /** Milliseconds every `/v1/embeddings` request waits before answering (a slow local model). */
  embeddingDelayMs: number;
  reset(): void;
}

/** The fake's embedding size unless a request asks for `dimensions`. */
export const fakeEmbeddingDimensions = 64;

/**
 * A deterministic embedding: the text's character trigrams (lower case, words padded) hashed into `dimensions`
 * buckets, L2-normalised. Texts sharing words and word parts are near; unrelated ones are not. No meaning beyond
 * spelling: enough to exercise the vector path for real (pgvector, HNSW, fusion) without a model.
 */
export function fakeEmbedding(text: string, dimensions = fakeEmbeddingDimensions): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i += 1) {
      let hash = 2166136261;
      for (const char of padded.slice(i, i + 3)) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 16777619);
      const bucket = (hash >>> 0) % dimensions;
      vector[bucket] = (vector[bucket] ?? 0) + 1;
    }
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((x) => x / norm);
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
  /** OpenAI's embeddings endpoint: `input` a string or strings, `dimensions`, `encoding_format` float or base64. */
  async function embeddings(body: string, res: ServerResponse) {
    const request = JSON.parse(body) as { model?: string; input?: unknown; dimensions?: number; encoding_format?: string; input_type?: string };
    const input = typeof request.input === 'string' ? [request.input] : request.input;
    if (!request.model || !Array.isArray(input) || input.length === 0 || !input.every((t) => typeof t === 'string')) {
      return sendJson(res, 400, { error: { message: "'input' must be a string or a non-empty array of strings, with a 'model'", type: 'invalid_request_error' } });
    }
    fake.embeddingRequests.push({ model: request.model, input: input as string[], inputType: request.input_type ?? null });
    if (fake.embeddingDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.embeddingDelayMs));
    if (res.destroyed) return;
    if (fake.embeddingsFailWith) return sendJson(res, fake.embeddingsFailWith, { error: { message: 'The server had an error', type: 'server_error' } });
    const data = (input as string[]).map((text, index) => {
      const vector = fakeEmbedding(text, request.dimensions ?? fakeEmbeddingDimensions);
      const embedding = request.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    const tokens = (input as string[]).reduce((sum, text) => sum + Math.ceil(text.length / 4), 0);
    return sendJson(res, 200, { object: 'list', data, model: request.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

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
    embeddingRequests: [] as FakeOpenAI['embeddingRequests'],
    embeddingsFailWith: null as number | null,
    embeddingDelayMs: 0,
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
      fake.embeddingRequests.length = 0;
      fake.embeddingsFailWith = null;
      fake.embeddingDelayMs = 0;
    },
  };

  const server = await startHttpServer(async (req, body, res) => {
    if (req.method !== 'POST' || (req.url !== '/v1/chat/completions' && req.url !== '/v1/embeddings')) {
      return sendJson(res, 404, { error: { message: 'Not found', type: 'invalid_request_error' } });
    }
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    if (req.url === '/v1/embeddings') return embeddings(body, res);
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
