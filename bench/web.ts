import type { BenchEnv } from './env';
import { cpuMs, cpuPerUnit, postgresCpuMs, selfCpuMs } from './cpu';
import { startTsProcess } from './processes';
import { compareTimings, talk, type Talker, type Timing } from './token-timing';
import { freePort } from '../test/support/ports';
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
  const barePort = await freePort();
  const bare = await startTsProcess(
    'bench/bare-chat.ts',
    [],
    { PORT: String(barePort), OPENAI_API_KEY: env.openai.apiKey, OPENAI_BASE_URL: env.openai.baseURL },
    'bare chat listening',
    env.processOptions('bare-chat'),
  );
  const bareUrl = `http://127.0.0.1:${barePort}/api/chat`;
  env.openai.tokenDelayMs = options.tokenDelayMs;
  try {
    const openProduct = () => productVisitor(product.apiUrl, widgetKey);
    const openBare = async (contact: number) => bareVisitor(bareUrl, contact);
    const round = (open: (contact: number) => Promise<Talker>, talkers: number, turns: number, offset: number) => talk(open, { talkers, turns, offset, pauseMs: readMs });
    // Warm both up, then measure them one after the other.
    await round(openProduct, 2, 2, 0);
    await round(openBare, 2, 2, 0);
    const single = { product: await round(openProduct, 1, options.turns, 100), bare: await round(openBare, 1, options.turns, 100) };
    const turns = options.concurrent * options.concurrentTurns;
    const shared = { temporal: () => cpuMs(env.temporal.pid), postgres: postgresCpuMs, 'load generator and fakes': selfCpuMs };
    let productTurns: Timing[] = [];
    let bareTurns: Timing[] = [];
    const productCpu = await cpuPerUnit({ api: () => cpuMs(product.api.pid), worker: () => cpuMs(product.worker.pid), ...shared }, turns, async () => {
      productTurns = await round(openProduct, options.concurrent, options.concurrentTurns, 200);
    });
    const bareCpu = await cpuPerUnit({ endpoint: () => cpuMs(bare.pid), ...shared }, turns, async () => {
      bareTurns = await round(openBare, options.concurrent, options.concurrentTurns, 200);
    });
    return {
      tokenDelayMs: options.tokenDelayMs,
      oneVisitor: compareTimings(single.product, single.bare),
      concurrentVisitors: {
        visitors: options.concurrent,
        ...compareTimings(productTurns, bareTurns),
        cpuMsPerTurn: { product: productCpu.cpuMsPerUnit, bare: bareCpu.cpuMsPerUnit },
      },
    };
  } finally {
    env.openai.tokenDelayMs = 0;
    await bare.stop();
    await product.stop();
  }
}
