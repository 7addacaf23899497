import type { BenchEnv } from './env';
import { cpuMs, cpuPerUnit, postgresCpuMs, selfCpuMs } from './cpu';
import { DeliveryWatch, startSink } from './deliveries';
import { pokeSignal } from './minimal/workflows';
import { startTsProcess } from './processes';
import { percentile, round } from './stats';
import { postWebhook } from './webhook';

interface Latency {
  p50: number;
  p99: number;
  samples: number;
}

const summary = (values: number[]): Latency => ({
  p50: round(percentile(values, 50)),
  p99: round(percentile(values, 99)),
  samples: values.length,
});

/**
 * From the webhook being accepted to the fake Twilio receiving the reply, with no batching window and an instant
 * model; beside it, the floor: a signal to a minimal workflow that runs two activities, the second posting to a sink.
 */
export async function overheadBenchmark(env: BenchEnv, options: { sequential: number; concurrent: number; rounds: number }) {
  const watch = new DeliveryWatch(env.twilio);
  const sink = await startSink(watch);
  const product = await env.startProduct({ BATCH_QUIET_MS: '0', BATCH_MAX_WAIT_MS: '0' });
  const minimalQueue = 'bench-minimal-overhead';
  const minimal = await startTsProcess(
    'bench/minimal/worker.ts',
    [],
    { TEMPORAL_ADDRESS: env.temporal.address, TEMPORAL_TASK_QUEUE: minimalQueue, SINK_URL: sink.url },
    'minimal worker ready',
    env.processOptions('minimal-worker'),
  );
  const url = `${product.apiUrl}/webhooks/twilio/messaging`;
  const token = env.twilio.authToken;

  const productTurn = async (contact: number, label: string) => {
    const body = `${label} from ${contact}`;
    const delivered = watch.expect(`echo: ${body}`);
    await postWebhook(url, token, `+1604${String(3_000_000 + contact).padStart(7, '0')}`, body);
    const accepted = performance.now();
    return (await delivered) - accepted;
  };
  const floorTurn = async (contact: number, label: string) => {
    const key = `${label} from ${contact}`;
    const delivered = watch.expect(key);
    await env.client.workflow.signalWithStart('minimalWorkflow', {
      workflowId: `floor-${contact}`,
      taskQueue: minimalQueue,
      signal: pokeSignal,
      signalArgs: [key],
    });
    const accepted = performance.now();
    return (await delivered) - accepted;
  };

  const measure = async (turn: (contact: number, label: string) => Promise<number>, processes: Record<string, number>) => {
    // Warm up: every conversation exists and the worker has its code cached before anything is timed.
    await Promise.all(Array.from({ length: options.concurrent }, (_, c) => turn(c, 'warm-up')));
    const sequential: number[] = [];
    for (let i = 0; i < options.sequential; i += 1) sequential.push(await turn(0, `seq ${i}`));
    const concurrent: number[] = [];
    // Where the CPU goes during the concurrent rounds, per turn: every part shares the same cores.
    const parts = {
      ...Object.fromEntries(Object.entries(processes).map(([name, pid]) => [name, () => cpuMs(pid)])),
      temporal: () => cpuMs(env.temporal.pid),
      postgres: postgresCpuMs,
      'load generator and fakes': selfCpuMs,
    };
    const { cpuMsPerUnit, wallMs } = await cpuPerUnit(parts, options.rounds * options.concurrent, async () => {
      for (let round = 0; round < options.rounds; round += 1) {
        concurrent.push(...(await Promise.all(Array.from({ length: options.concurrent }, (_, c) => turn(c, `round ${round}`)))));
      }
    });
    return {
      sequential: summary(sequential),
      concurrent: { ...summary(concurrent), turnsPerSecond: round((concurrent.length / wallMs) * 1000), cpuMsPerTurn: cpuMsPerUnit },
    };
  };

  try {
    const floor = await measure(floorTurn, { worker: minimal.pid });
    const product_ = await measure(productTurn, { api: product.api.pid, worker: product.worker.pid });
    return {
      product: product_,
      floor,
      ratios: {
        sequentialP50: round(product_.sequential.p50 / floor.sequential.p50, 2),
        concurrentP50: round(product_.concurrent.p50 / floor.concurrent.p50, 2),
      },
    };
  } finally {
    await Promise.all([product.stop(), minimal.stop(), sink.close()]);
    env.twilio.onSent = null;
  }
}
