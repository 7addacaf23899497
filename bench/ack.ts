import autocannon from 'autocannon';
import type { Client } from '@temporalio/client';
import { freePort } from '../test/support/ports';
import type { BenchEnv } from './env';
import { startTsProcess } from './processes';
import { percentile, round, sleep } from './stats';
import { signedWebhook } from './webhook';
import { pokeSignal } from './minimal/workflows';

export interface RatePoint {
  rate: number;
  p50: number;
  p99: number;
  errors: number;
  achieved: number;
}

const path = '/webhooks/twilio/messaging';

async function cannon(url: string, authToken: string, options: { rate?: number; seconds: number; connections: number }) {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [
      {
        setupRequest: (request) => {
          const webhook = signedWebhook(url, authToken);
          return { ...request, method: 'POST', body: webhook.body, headers: webhook.headers };
        },
      },
    ],
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    achieved: result.requests.average,
  };
}

/** signalWithStart against the same server at a fixed rate (open loop: late calls do not delay the next ones). */
async function signalLoop(client: Client, taskQueue: string, options: { rate?: number; seconds: number; concurrency: number }) {
  const latencies: number[] = [];
  let errors = 0;
  let sequence = 0;
  let lastDone = 0;
  const one = async () => {
    const id = (sequence += 1);
    const started = performance.now();
    try {
      await client.workflow.signalWithStart('minimalWorkflow', {
        workflowId: `bare-${id % 1000}`,
        taskQueue,
        signal: pokeSignal,
        signalArgs: [`bare-${id}`],
      });
      latencies.push(performance.now() - started);
    } catch {
      errors += 1;
    }
    lastDone = performance.now();
  };
  const begin = performance.now();
  const end = begin + options.seconds * 1000;
  if (options.rate) {
    const interval = 1000 / options.rate;
    const calls: Promise<void>[] = [];
    for (let i = 0; ; i += 1) {
      const due = begin + i * interval;
      if (due >= end) break;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      calls.push(one());
    }
    await Promise.all(calls);
  } else {
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < end) await one();
      }),
    );
  }
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
    // Completions over the time they took: an overloaded server finishes late, and that counts against it.
    achieved: latencies.length / ((Math.max(lastDone, end) - begin) / 1000),
  };
}

export async function webhookAckBenchmark(env: BenchEnv, options: { rates: number[]; seconds: number }) {
  const product = await env.startProduct({});
  const barePort = await freePort();
  const bare = await startTsProcess('bench/bare-hono.ts', [], { PORT: String(barePort) }, 'bare hono listening');
  const minimalQueue = 'bench-minimal-ack';
  const minimal = await startTsProcess(
    'bench/minimal/worker.ts',
    [],
    { TEMPORAL_ADDRESS: env.temporal.address, TEMPORAL_TASK_QUEUE: minimalQueue, SINK_URL: `${env.twilio.url}/sink` },
    'minimal worker ready',
  );
  const token = env.twilio.authToken;
  const points: { webhook: RatePoint; bareHono: RatePoint; bareSignal: RatePoint }[] = [];
  try {
    for (const rate of options.rates) {
      const webhook = await cannon(`${product.apiUrl}${path}`, token, { rate, seconds: options.seconds, connections: 32 });
      await sleep(2000);
      const bareHono = await cannon(`http://127.0.0.1:${barePort}${path}`, token, { rate, seconds: options.seconds, connections: 32 });
      const bareSignal = await signalLoop(env.client, minimalQueue, { rate, seconds: options.seconds, concurrency: 0 });
      await sleep(2000);
      points.push({ webhook: { rate, ...webhook }, bareHono: { rate, ...bareHono }, bareSignal: { rate, ...bareSignal } });
    }
    const webhookMax = await cannon(`${product.apiUrl}${path}`, token, { seconds: options.seconds, connections: 32 });
    await sleep(2000);
    const signalMax = await signalLoop(env.client, minimalQueue, { seconds: options.seconds, concurrency: 32 });
    const held = (pick: (p: (typeof points)[number]) => RatePoint) =>
      Math.max(0, ...points.map(pick).filter((p) => p.p99 < 100 && p.errors === 0 && p.achieved >= p.rate * 0.95).map((p) => p.rate));
    return {
      points,
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
