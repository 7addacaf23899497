import WebSocket from 'ws';
import type { BenchEnv } from './env';
import { sideBySide } from './side-by-side';
import type { Talker } from './token-timing';
import { RelayCaller } from '../devkit/relay-caller';

/** A call to the product, as Twilio places it: signed webhook, TwiML, signed socket, setup; then prompts. */
async function productCaller(apiUrl: string, authToken: string, contact: number): Promise<Talker> {
  const caller = new RelayCaller({ apiUrl, publicBaseUrl: apiUrl, authToken, from: `+1604${String(5_000_000 + contact).padStart(7, '0')}`, to: '+15005550006' });
  await caller.ring();
  await caller.connect();
  return {
    async ask(words) {
      const reply = caller.reply(60_000);
      caller.say(words);
      const { firstTokenMs, lastTokenMs } = await reply;
      return { firstTokenMs, lastTokenMs };
    },
    async end() {
      await caller.hangUp();
    },
  };
}

/** A call to the bare relay: the same frames on a plain socket. */
async function bareCaller(url: string): Promise<Talker> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return {
    ask(words) {
      return new Promise((resolve) => {
        const sent = performance.now();
        let first = -1;
        const onMessage = (data: WebSocket.RawData) => {
          const frame = JSON.parse(String(data)) as { token: string; last: boolean };
          if (first < 0 && frame.token) first = performance.now() - sent;
          if (!frame.last) return;
          socket.off('message', onMessage);
          const last = performance.now() - sent;
          resolve({ firstTokenMs: first < 0 ? last : first, lastTokenMs: last });
        };
        socket.on('message', onMessage);
        socket.send(JSON.stringify({ type: 'prompt', voicePrompt: words, lang: 'en-US', last: true }));
      });
    },
    async end() {
      socket.close();
    },
  };
}

/**
 * A caller hears a reply out before speaking again (text to speech takes seconds); the benchmark gives them a
 * conservative 300 ms after the last token, the same for the product and the bare relay.
 */
const listenMs = 300;

/**
 * Prompt → first token and prompt → last token, for one call and for 20 at once, through the whole product (relay
 * socket, update-with-start, workflow, streaming reply activity, event bus, recording) and through a bare relay
 * that calls the same model directly. The model writes a token every `tokenDelayMs`, as a real one does.
 */
export async function voiceBenchmark(env: BenchEnv, options: { turns: number; concurrent: number; concurrentTurns: number; tokenDelayMs: number }) {
  const product = await env.startProduct({});
  const measured = await sideBySide(
    env,
    { ...product, open: (contact) => productCaller(product.apiUrl, env.twilio.authToken, contact) },
    { entry: 'bench/bare-relay.ts', ready: 'bare relay listening', name: 'relay', open: (port) => bareCaller(`ws://127.0.0.1:${port}`) },
    { ...options, pauseMs: listenMs },
  );
  return {
    tokenDelayMs: options.tokenDelayMs,
    oneCall: measured.single,
    concurrentCalls: { calls: options.concurrent, ...measured.concurrent },
    targets: { firstTokenOverheadP50Ms: 50, firstTokenOverheadP99Ms: 150 },
  };
}
