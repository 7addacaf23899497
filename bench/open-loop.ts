import { percentile, round, sleep } from './stats';

export interface RatePoint {
  rate: number;
  p50: number;
  p99: number;
  errors: number;
  achieved: number;
}

/**
 * Calls `one` at an even pace of `rate` per second for `seconds` (open loop: a slow call never delays the next
 * one, as Twilio's webhooks do not wait for each other). Every target is driven by this same loop, so their
 * latencies compare like for like. Latency counts from each call's scheduled time, so a late start counts too.
 */
export async function openLoop(options: { rate: number; seconds: number }, one: () => Promise<void>): Promise<RatePoint> {
  const latencies: number[] = [];
  let errors = 0;
  let lastDone = 0;
  const interval = 1000 / options.rate;
  const begin = performance.now();
  const end = begin + options.seconds * 1000;
  const calls: Promise<void>[] = [];
  for (let i = 0; ; i += 1) {
    const due = begin + i * interval;
    if (due >= end) break;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    calls.push(
      one().then(
        () => void latencies.push(performance.now() - due),
        () => void (errors += 1),
      ).finally(() => {
        lastDone = performance.now();
      }),
    );
  }
  await Promise.all(calls);
  return {
    rate: options.rate,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    errors,
    // Completions over the time they took: an overloaded target finishes late, and that counts against it.
    achieved: round(latencies.length / ((Math.max(lastDone, end) - begin) / 1000)),
  };
}

/** `concurrency` callers, each calling `one` again as soon as the last call returns, for `seconds`. */
export async function closedLoop(options: { concurrency: number; seconds: number }, one: () => Promise<void>) {
  let done = 0;
  let errors = 0;
  const begin = performance.now();
  const end = begin + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < end) {
        await one().then(
          () => void (done += 1),
          () => void (errors += 1),
        );
      }
    }),
  );
  return { achieved: done / ((performance.now() - begin) / 1000), errors };
}
