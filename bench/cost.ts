import type { BenchEnv } from './env';
import { DeliveryWatch } from './deliveries';
import { round, sleep } from './stats';
import { postWebhook } from './webhook';

const tokens = (messages: { content: string | null }[]) =>
  messages.reduce((sum, m) => sum + Math.ceil((m.content ?? '').length / 4) + 4, 0);

/** Model calls per burst, and prompt size per turn as one conversation grows to `messages` messages. */
export async function costBenchmark(env: BenchEnv, options: { bursts: number; burstSize: number; messages: number }) {
  const watch = new DeliveryWatch(env.twilio);
  const contact = (n: number) => `+1604${String(4_000_000 + n).padStart(7, '0')}`;

  let product = await env.startProduct({ BATCH_QUIET_MS: '1000', BATCH_MAX_WAIT_MS: '5000' });
  let url = `${product.apiUrl}/webhooks/twilio/messaging`;
  env.openai.reset();
  try {
    await Promise.all(
      Array.from({ length: options.bursts }, async (_, b) => {
        const last = `burst ${b} message ${options.burstSize - 1}`;
        const delivered = watch.expect(`echo: ${last}`);
        for (let m = 0; m < options.burstSize; m += 1) {
          await postWebhook(url, env.twilio.authToken, contact(b), `burst ${b} message ${m}`);
        }
        await delivered;
      }),
    );
    await sleep(2000);
  } finally {
    await product.stop();
  }
  const callsPerBurst = round(env.openai.requests.length / options.bursts, 2);

  product = await env.startProduct({ BATCH_QUIET_MS: '0', BATCH_MAX_WAIT_MS: '0' });
  url = `${product.apiUrl}/webhooks/twilio/messaging`;
  env.openai.reset();
  const perTurn: { messages: number; promptTokens: number }[] = [];
  try {
    for (let turn = 1; turn * 2 <= options.messages; turn += 1) {
      const body = `Question number ${turn}: could you tell me more about the delivery options for my order?`;
      const delivered = watch.expect(`echo: ${body}`);
      await postWebhook(url, env.twilio.authToken, contact(10_000), body);
      await delivered;
      // The reply's own request (summary refreshes are separate calls, every 15 turns).
      const request = env.openai.requests.filter((r) => !(r.messages[0]?.content ?? '').startsWith('Summarize')).at(-1);
      perTurn.push({ messages: turn * 2, promptTokens: request ? tokens(request.messages) : 0 });
    }
  } finally {
    await product.stop();
    env.twilio.onSent = null;
  }
  const at = (messages: number) => perTurn.find((t) => t.messages === messages)?.promptTokens ?? Number.NaN;
  const checkpoints = [50, 100, 250, 500].filter((m) => m <= options.messages);
  const summaryCalls = env.openai.requests.filter((r) => (r.messages[0]?.content ?? '').startsWith('Summarize')).length;
  return {
    callsPerBurst,
    summaryCallsPerTurn: round(summaryCalls / perTurn.length, 3),
    burstSize: options.burstSize,
    promptTokens: Object.fromEntries(checkpoints.map((m) => [m, at(m)])),
    growthFrom50: round(at(checkpoints.at(-1) ?? 50) / at(50), 3),
  };
}
