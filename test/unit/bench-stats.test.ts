import { describe, expect, it } from 'vitest';
import { closedLoop, openLoop } from '../../bench/open-loop';
import { formatReport, medianOfRuns } from '../../bench/report';

// The benchmark's arithmetic: how several runs become one set of figures, and what the load loops count.
describe('medians of several runs', () => {
  const run = (when: string, ratio: number, p99: number[], mode = 'full') => ({
    when,
    mode,
    machine: { cpus: 2, cpu: 'test', memoryGiB: 1, node: 'v20' },
    overhead: {
      ratios: { sequentialP50: ratio, concurrentP50: ratio * 2 },
      product: { sequential: { p50: 10, p99: p99[0] }, concurrent: { p50: 20, p99: p99[1] } },
      floor: { sequential: { p50: 10, p99: 1 }, concurrent: { p50: 10, p99: 1 } },
    },
  });

  it('takes every number as the median of its per-run values and keeps everything else from the first run', () => {
    const merged = medianOfRuns([run('a', 1.5, [30, 90]), run('b', 0.9, [10, 70], 'quick'), run('c', 1.1, [20, 80])]);
    expect(merged.runs).toBe(3);
    expect(merged.when).toBe('a, b, c');
    expect(merged.mode).toBe('full');
    expect(merged.overhead.ratios).toEqual({ sequentialP50: 1.1, concurrentP50: 2.2 });
    expect(merged.overhead.product.sequential.p99).toBe(20);
    expect(merged.overhead.product.concurrent.p99).toBe(80);
  });

  it('averages the middle two of an even count, and says in the report that it is a median', () => {
    const merged = medianOfRuns([run('a', 1, [10, 10]), run('b', 2, [20, 20])]);
    expect(merged.overhead.ratios.sequentialP50).toBe(1.5);
    expect(formatReport(merged)).toContain('Median of 2 runs (a, b)');
  });
});

describe('load loops', () => {
  it('makes rate × seconds calls in the open loop and counts the failures apart from the latencies', async () => {
    let calls = 0;
    const point = await openLoop({ rate: 50, seconds: 0.2 }, async () => {
      calls += 1;
      if (calls % 5 === 0) throw new Error('refused');
    });
    expect(calls).toBe(10);
    expect(point.errors).toBe(2);
    expect(point.rate).toBe(50);
    expect(Number.isFinite(point.p99)).toBe(true);
  });

  it('keeps the given number of calls in flight in the closed loop', async () => {
    let inFlight = 0;
    let most = 0;
    const result = await closedLoop({ concurrency: 4, seconds: 0.1 }, async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
    });
    expect(most).toBe(4);
    expect(result.errors).toBe(0);
    expect(result.achieved).toBeGreaterThan(0);
  });
});
