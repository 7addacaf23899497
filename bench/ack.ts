import type { Client } from '@temporalio/client';
import { freePort } from '../devkit/free-port';
import type { BenchEnv } from './env';
import { startTsProcess } from './processes';
import { closedLoop, openLoop, type RatePoint } from './open-loop';
import { round, sleep } from './stats';
import { postForm, signedWebhook } from './webhook';
import { pokeSignal } from './minimal/workflows';

const path = '/webhooks/twilio/messaging';

/** signalWithStart of the minimal workflow, as a webhook would start or wake a conversation. */
function bareSignal(client: Client, taskQueue: string) {
  let sequence = 0;
  return async () => {
    const id = (sequence += 1);
    await client.workflow.signalWithStart('minimalWorkflow', {
      workflowId: `bare-${id % 1000}`,
      taskQueue,
      signal: pokeSignal,
      signalArgs: [`bare-${id}`],
    });
  };
}

export async function webhookAckBenchmark(env: BenchEnv, options: { rates: number[]; seconds: number; settleMs: number }) {
  const product = await env.startProduct({});
  const barePort = await freePort();
  const bare = await startTsProcess('bench/bare-hono.ts', [], { PORT: String(barePort) }, 'bare hono listening');
  const minimalQueue = 'bench-minimal-ack';
  const minimal = await startTsProcess(
    'bench/minimal/worker.ts',
    [],
    { TEMPORAL_ADDRESS: env.temporal.address, TEMPORAL_TASK_QUEUE: minimalQueue, SINK_URL: `${env.twilio.url}/sink` },
    'minimal worker ready',
    env.processOptions('minimal-worker'),
  );
  const token = env.twilio.authToken;
  const points: { webhook: RatePoint; bareHono: RatePoint; bareSignal: RatePoint }[] = [];
  try {
    // Signed webhooks from 1,000 senders; the bare route gets the same requests.
    const post = (url: string) => () => postForm(url, signedWebhook(url, token));
    const webhookCall = post(`${product.apiUrl}${path}`);
    const bareHonoCall = post(`http://127.0.0.1:${barePort}${path}`);
    const signalCall = bareSignal(env.client, minimalQueue);
    for (const rate of options.rates) {
      // The same evenly paced open loop drives all three, one after the other, with a pause to drain between.
      const webhook = await openLoop({ rate, seconds: options.seconds }, webhookCall);
      await sleep(2000);
      const bareHono = await openLoop({ rate, seconds: options.seconds }, bareHonoCall);
      const bareSignal = await openLoop({ rate, seconds: options.seconds }, signalCall);
      await sleep(2000);
      points.push({ webhook, bareHono, bareSignal });
      console.error(`webhook at ${rate}/s: p50 ${round(webhook.p50)} p99 ${round(webhook.p99)} ms; bare signalWithStart p99 ${round(bareSignal.p99)} ms`);
    }
    // Then at full speed, 32 in flight: the most each answers per second.
    const webhookMax = await closedLoop({ seconds: options.seconds, concurrency: 32 }, webhookCall);
    await sleep(2000);
    const signalMax = await closedLoop({ seconds: options.seconds, concurrency: 32 }, signalCall);
    // A diagnostic, not a target: the webhook again with the conversation worker stopped, so the turns its own
    // messages cause no longer compete for the cores and the server. What remains is the API's own cost.
    await product.worker.stop();
    // Let the server settle after losing its worker (polls ending, task timeouts) before timing anything.
    await sleep(options.settleMs);
    const withoutWorker: RatePoint[] = [];
    for (const rate of options.rates) {
      withoutWorker.push(await openLoop({ rate, seconds: options.seconds }, webhookCall));
      await sleep(1000);
    }
    const held = (pick: (p: (typeof points)[number]) => RatePoint) =>
      Math.max(0, ...points.map(pick).filter((p) => p.p99 < 100 && p.errors === 0 && p.achieved >= p.rate * 0.95).map((p) => p.rate));
    return {
      points,
      webhookWithoutWorker: withoutWorker,
      highestRateHeld: { webhook: held((p) => p.webhook), bareHono: held((p) => p.bareHono), bareSignal: held((p) => p.bareSignal) },
      maxThroughput: { webhook: round(webhookMax.achieved), bareSignal: round(signalMax.achieved) },
      ratios: {
        p99VsBareSignal: points.map((p) => ({ rate: p.webhook.rate, ratio: round(p.webhook.p99 / p.bareSignal.p99, 2) })),
        p99VsBareHono: points.map((p) => ({ rate: p.webhook.rate, ratio: round(p.webhook.p99 / Math.max(p.bareHono.p99, 1), 2) })),
        throughputVsBareSignal: round(webhookMax.achieved / signalMax.achieved, 2),
      },
    };
  } finally {
    await Promise.all([product.stop(), bare.stop(), minimal.stop()]);
  }
}
