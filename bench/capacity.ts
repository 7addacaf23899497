import type { BenchEnv } from './env';
import { DeliveryWatch } from './deliveries';
import { residentMiB } from './processes';
import { percentile, round, sleep } from './stats';
import { postWebhook } from './webhook';

async function inBatches(count: number, concurrency: number, work: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/**
 * Live conversations (each got one message and now waits) at rising counts, with a worker cache far smaller than
 * the count so waking one means replaying it: resident memory of each process, and the time to push one more
 * message through a sample of them.
 */
export async function capacityBenchmark(env: BenchEnv, options: { levels: number[]; sample: number; cache: number }) {
  const watch = new DeliveryWatch(env.twilio);
  const product = await env.startProduct({
    BATCH_QUIET_MS: '0',
    BATCH_MAX_WAIT_MS: '0',
    WORKER_MAX_CACHED_WORKFLOWS: String(options.cache),
  });
  const url = `${product.apiUrl}/webhooks/twilio/messaging`;
  const contact = (n: number) => `+1605${String(2_000_000 + n).padStart(7, '0')}`;
  const levels: Record<string, unknown>[] = [];
  let live = 0;
  /** One more message to conversation `n`: ms from acceptance to the reply at Twilio, or null if it failed. */
  const oneMore = async (n: number, body: string, timeoutMs: number): Promise<number | null> => {
    const delivered = watch.expect(`echo: ${body}`, timeoutMs);
    delivered.catch(() => {}); // a webhook that failed leaves this to time out unobserved
    try {
      await postWebhook(url, env.twilio.authToken, contact(n), body);
      const accepted = performance.now();
      return (await delivered) - accepted;
    } catch {
      return null;
    }
  };
  const sweep = async (count: number) => {
    const started = performance.now();
    let answered = 0;
    await inBatches(count, 48, async (n) => {
      if ((await oneMore(n, `last call for ${n}`, 300_000)) !== null) answered += 1;
    });
    const seconds = (performance.now() - started) / 1000;
    console.error(`capacity: ${answered} of ${count} answered one more message in ${round(seconds)} s`);
    return { conversations: count, answered, failed: count - answered, seconds: round(seconds), perSecond: round(answered / seconds) };
  };
  try {
    for (const level of options.levels) {
      const started = performance.now();
      await inBatches(level - live, 48, async (i) => {
        const n = live + i;
        const delivered = watch.expect(`echo: hello from ${n}`, 300_000);
        await postWebhook(url, env.twilio.authToken, contact(n), `hello from ${n}`);
        await delivered;
      });
      const fillSeconds = (performance.now() - started) / 1000;
      live = level;
      await sleep(3000);
      const memory = {
        workerMiB: round(residentMiB(product.worker.pid)),
        apiMiB: round(residentMiB(product.api.pid)),
        temporalMiB: round(residentMiB(env.temporal.pid)),
      };
      const latencies: number[] = [];
      let failed = 0;
      const step = Math.max(1, Math.floor(level / options.sample));
      for (let n = 0; n < level && latencies.length + failed < options.sample; n += step) {
        const latency = await oneMore(n, `one more for ${n} at ${level}`, 30_000);
        if (latency === null) failed += 1;
        else latencies.push(latency);
      }
      // At the largest count, every conversation gets one more message and must answer it.
      const everyOne = level === options.levels.at(-1) ? await sweep(level) : undefined;
      levels.push({
        conversations: level,
        fillRatePerSecond: round((level - (levels.length ? (levels.at(-1)?.conversations as number) : 0)) / fillSeconds),
        ...memory,
        workerMiBPer1000: round((memory.workerMiB / level) * 1000, 1),
        oneMoreMessage: { p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), sampled: latencies.length, failed },
        ...(everyOne ? { everyOne } : {}),
      });
      console.error(`capacity: ${JSON.stringify(levels.at(-1))}`);
    }
  } finally {
    await product.stop();
    env.twilio.onSent = null;
  }
  return { workerCache: options.cache, levels };
}
