import type { BenchEnv } from './env';
import { sideBySide } from './side-by-side';
import type { Talker, Timing } from './token-timing';
import { createDb } from '../db/connection';

/** Posts one message as the AI SDK's DefaultChatTransport does and times the UI message stream's text deltas. */
async function chatTurn(url: string, headers: Record<string, string>, chatId: string, turn: number, words: string): Promise<Timing> {
  const sent = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ id: chatId, trigger: 'submit-message', messages: [{ id: `${chatId}-${turn}`, role: 'user', parts: [{ type: 'text', text: words }] }] }),
  });
  if (!response.ok || !response.body) throw new Error(`chat answered ${response.status}: ${await response.text()}`);
  let first = -1;
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    if (first < 0 && buffer.includes('"type":"text-delta"')) first = performance.now() - sent;
    if (buffer.includes('data: [DONE]')) break;
  }
  const last = performance.now() - sent;
  if (first < 0) throw new Error('the reply carried no text');
  return { firstTokenMs: first, lastTokenMs: last };
}

/** A visitor of the product: a session opened with the widget key, then messages on it. */
async function productVisitor(apiUrl: string, widgetKey: string): Promise<Talker> {
  const response = await fetch(`${apiUrl}/api/chat/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ widgetKey }) });
  if (response.status !== 201) throw new Error(`session answered ${response.status}: ${await response.text()}`);
  const session = (await response.json()) as { sessionId: string; token: string };
  let turn = 0;
  return {
    ask: (words) => chatTurn(`${apiUrl}/api/chat`, { authorization: `Bearer ${session.token}` }, session.sessionId, (turn += 1), words),
    end: async () => {},
  };
}

function bareVisitor(url: string, contact: number): Talker {
  let turn = 0;
  return { ask: (words) => chatTurn(url, {}, `chat-${contact}-${Date.now()}`, (turn += 1), words), end: async () => {} };
}

/** A visitor reads the reply before writing again; 300 ms is quick, the same for the product and the floor. */
const readMs = 300;

/**
 * Message → first streamed token and → last, for one visitor and for `concurrent` at once, through the whole product
 * (session token, the chat endpoint, the `webTurn` update, the workflow, the streaming reply activity, the tokens'
 * way back over Postgres NOTIFY, the recorded reply) and through a bare streaming endpoint that calls the same model
 * directly (`bench/bare-chat.ts`). The model writes a token every `tokenDelayMs`.
 */
export async function webBenchmark(env: BenchEnv, options: { turns: number; concurrent: number; concurrentTurns: number; tokenDelayMs: number }) {
  // Every visitor comes from 127.0.0.1 here: the per-address and per-session limits are not what is measured.
  const product = await env.startProduct({ WEB_RATE_PER_SESSION: '100000', WEB_RATE_PER_IP: '100000', WEB_RATE_PER_TENANT: '100000' });
  const db = createDb(env.databaseUrl, { max: 1 });
  const { widget_key: widgetKey } = await db.selectFrom('tenants').select('widget_key').where('id', '=', 'default').executeTakeFirstOrThrow();
  await db.destroy();
  const measured = await sideBySide(
    env,
    { ...product, open: () => productVisitor(product.apiUrl, widgetKey) },
    { entry: 'bench/bare-chat.ts', ready: 'bare chat listening', name: 'endpoint', open: async (port, contact) => bareVisitor(`http://127.0.0.1:${port}/api/chat`, contact) },
    { ...options, pauseMs: readMs },
  );
  return {
    tokenDelayMs: options.tokenDelayMs,
    oneVisitor: measured.single,
    concurrentVisitors: { visitors: options.concurrent, ...measured.concurrent },
  };
}
