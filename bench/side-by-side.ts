import type { BenchEnv, Product } from './env';
import { cpuMs, cpuPerUnit, postgresCpuMs, selfCpuMs } from './cpu';
import { compareTimings, talk, type Talker, type Timing } from './token-timing';

/** A floor beside the product: how to reach it, its process (for its CPU) and what its CPU is called. */
export interface Floor {
  open(contact: number): Promise<Talker>;
  pid: number;
  name: string;
}

/**
 * The product and its floor measured the same way, one after the other, against the same fake model: after a
 * warm-up, `turns` turns of one customer each, then `concurrent` customers at once (`concurrentTurns` each) with the
 * CPU every process spends per turn. Customers pause `pauseMs` after each reply.
 */
export async function sideBySide(
  env: BenchEnv,
  product: Product & { open(contact: number): Promise<Talker> },
  floor: Floor,
  options: { turns: number; concurrent: number; concurrentTurns: number; pauseMs: number },
) {
  const round = (open: (contact: number) => Promise<Talker>, talkers: number, turns: number, offset: number) =>
    talk(open, { talkers, turns, offset, pauseMs: options.pauseMs });
  // Warm both up (first connections, bundles, caches), then measure them one after the other.
  await round(product.open, 2, 2, 0);
  await round(floor.open, 2, 2, 0);
  const single = compareTimings(await round(product.open, 1, options.turns, 100), await round(floor.open, 1, options.turns, 100));
  // CPU per turn of each part while the customers talk at once: where the time goes when they share the cores.
  const turns = options.concurrent * options.concurrentTurns;
  const shared = { temporal: () => cpuMs(env.temporal.pid), postgres: postgresCpuMs, 'load generator and fakes': selfCpuMs };
  let productTurns: Timing[] = [];
  let floorTurns: Timing[] = [];
  const productCpu = await cpuPerUnit({ api: () => cpuMs(product.api.pid), worker: () => cpuMs(product.worker.pid), ...shared }, turns, async () => {
    productTurns = await round(product.open, options.concurrent, options.concurrentTurns, 200);
  });
  const floorCpu = await cpuPerUnit({ [floor.name]: () => cpuMs(floor.pid), ...shared }, turns, async () => {
    floorTurns = await round(floor.open, options.concurrent, options.concurrentTurns, 200);
  });
  return {
    single,
    concurrent: { ...compareTimings(productTurns, floorTurns), cpuMsPerTurn: { product: productCpu.cpuMsPerUnit, bare: floorCpu.cpuMsPerUnit } },
  };
}
