import { percentile, round, sleep } from './stats';

/** From a customer's message to the first and to the last token of its reply reaching them. */
export interface Timing {
  firstTokenMs: number;
  lastTokenMs: number;
}

/** One customer talking to the product or to a floor: a caller, a web visitor. */
export interface Talker {
  ask(words: string): Promise<Timing>;
  end(): Promise<void>;
}

const summary = (values: number[]) => ({ p50: round(percentile(values, 50)), p99: round(percentile(values, 99)), samples: values.length });

/**
 * `talkers` customers at once, each asking `turns` questions in a row and pausing `pauseMs` after each reply's last
 * token (hearing or reading it out): every turn's timing.
 */
export async function talk(
  open: (contact: number) => Promise<Talker>,
  options: { talkers: number; turns: number; offset: number; pauseMs: number },
): Promise<Timing[]> {
  const talkers = await Promise.all(Array.from({ length: options.talkers }, (_, i) => open(options.offset + i)));
  const timings = await Promise.all(
    talkers.map(async (talker, i) => {
      const own: Timing[] = [];
      for (let turn = 0; turn < options.turns; turn += 1) {
        own.push(await talker.ask(`customer ${options.offset + i} question ${turn} about the delivery of my order`));
        await sleep(options.pauseMs);
      }
      return own;
    }),
  );
  await Promise.all(talkers.map((talker) => talker.end()));
  return timings.flat();
}

/** The product's timings beside its floor's: p50/p99 of each, and what the product adds to the first token. */
export function compareTimings(product: Timing[], bare: Timing[]) {
  const first = (timings: Timing[], p: number) => percentile(timings.map((t) => t.firstTokenMs), p);
  return {
    product: { firstToken: summary(product.map((t) => t.firstTokenMs)), lastToken: summary(product.map((t) => t.lastTokenMs)) },
    bare: { firstToken: summary(bare.map((t) => t.firstTokenMs)), lastToken: summary(bare.map((t) => t.lastTokenMs)) },
    firstTokenOverheadMs: { p50: round(first(product, 50) - first(bare, 50)), p99: round(first(product, 99) - first(bare, 99)) },
  };
}
