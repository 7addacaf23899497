import { basename } from 'node:path';
import type { BenchEnv, Product } from './env';
import { cpuMs, cpuPerUnit, postgresCpuMs, selfCpuMs } from './cpu';
import { startTsProcess } from './processes';
import { compareTimings, talk, type Talker, type Timing } from './token-timing';
import { freePort } from '../devkit/free-port';

/**
 * A floor beside the product: its entry file, started on a free port against the same fake model (it prints
 * `ready` once listening), what its CPU is called, and how a customer reaches it on that port.
 */
export interface Floor {
  entry: string;
  ready: string;
  name: string;
  open(port: number, contact: number): Promise<Talker>;
}

/**
 * The product and its floor measured the same way, one after the other, against the same fake model writing a token
 * every `tokenDelayMs`: after a warm-up, `turns` turns of one customer each, then `concurrent` customers at once
 * (`concurrentTurns` each) with the CPU every process spends per turn. Customers pause `pauseMs` after each reply.
 * Stops the floor and the product at the end.
 */
export async function sideBySide(
  env: BenchEnv,
  product: Product & { open(contact: number): Promise<Talker> },
  floor: Floor,
  options: { turns: number; concurrent: number; concurrentTurns: number; pauseMs: number; tokenDelayMs: number },
) {
  const port = await freePort();
  const floorProcess = await startTsProcess(
    floor.entry,
    [],
    { PORT: String(port), OPENAI_API_KEY: env.openai.apiKey, OPENAI_BASE_URL: env.openai.baseURL },
    floor.ready,
    env.processOptions(basename(floor.entry, '.ts')),
  );
  env.openai.tokenDelayMs = options.tokenDelayMs;
  try {
    return await measure(env, product, { open: (contact) => floor.open(port, contact), pid: floorProcess.pid, name: floor.name }, options);
  } finally {
    env.openai.tokenDelayMs = 0;
    await floorProcess.stop();
    await product.stop();
  }
}

async function measure(
  env: BenchEnv,
  product: Product & { open(contact: number): Promise<Talker> },
  floor: { open(contact: number): Promise<Talker>; pid: number; name: string },
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
