import { createDb } from '../db/connection';
import type { BenchEnv } from './env';
import { DeliveryWatch } from './deliveries';
import { percentile, round } from './stats';
import { postWebhook } from './webhook';

/**
 * What one tool round adds to a turn: from the webhook being accepted to the reply reaching the fake Twilio, for a
 * turn the model answers at once, a turn with one read tool (`search_knowledge`: a model call asking for it, the
 * read activity, a second model call) and a turn with one write tool (`create_booking`, through the exactly-once
 * path). The three kinds alternate turn by turn on one product, so they share whatever the machine is doing; the
 * model answers instantly, so the differences are the service's own.
 */
export async function toolRoundBenchmark(env: BenchEnv, options: { turns: number }) {
  const watch = new DeliveryWatch(env.twilio);
  const db = createDb(env.databaseUrl, { max: 1 });
  await db.insertInto('tenant_tools').values({ tenant_id: 'default', name: 'create_booking', enabled: true }).onConflict((oc) => oc.columns(['tenant_id', 'name']).doUpdateSet({ enabled: true })).execute();
  await db
    .insertInto('booking_slots')
    .values({ id: 'bench-slot', tenant_id: 'default', service: 'table', starts_at: new Date(Date.now() + 30 * 86_400_000), capacity: 1_000_000 })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  const product = await env.startProduct({ BATCH_QUIET_MS: '0', BATCH_MAX_WAIT_MS: '0' });
  const url = `${product.apiUrl}/webhooks/twilio/messaging`;
  const kinds = ['plain', 'read', 'write'] as const;
  env.openai.respond = (request) => {
    const last = request.messages.at(-1);
    if (last?.role === 'tool') return { content: `done: ${request.messages.find((m) => m.role === 'user' && m.content?.startsWith('turn'))?.content ?? ''}` };
    const asked = request.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
    if (asked.includes(' read ')) return { toolCalls: [{ name: 'search_knowledge', arguments: { query: 'opening hours' } }] };
    if (asked.includes(' write ')) return { toolCalls: [{ name: 'create_booking', arguments: { slot_id: 'bench-slot', name: 'Bench' } }] };
    return { content: `done: ${asked}` };
  };
  const samples: Record<(typeof kinds)[number], number[]> = { plain: [], read: [], write: [] };
  try {
    // Each turn from a number of its own: a fresh conversation, no history to weigh on the prompt.
    let contact = 0;
    const turn = async (kind: (typeof kinds)[number], label: string) => {
      contact += 1;
      const body = `turn ${kind} ${label}`;
      const delivered = watch.expect(`done: ${body}`);
      await postWebhook(url, env.twilio.authToken, `+1604${String(4_000_000 + contact).padStart(7, '0')}`, body);
      const accepted = performance.now();
      return (await delivered) - accepted;
    };
    for (const kind of kinds) await turn(kind, 'warm-up');
    for (let i = 0; i < options.turns; i += 1) {
      for (const kind of kinds) samples[kind].push(await turn(kind, String(i)));
    }
  } finally {
    env.openai.reset();
    await product.stop();
    await db.destroy();
  }
  const median = (kind: (typeof kinds)[number]) => round(percentile(samples[kind], 50));
  const plain = median('plain');
  return {
    turns: options.turns,
    plainMs: { p50: plain, p99: round(percentile(samples.plain, 99)) },
    readToolMs: { p50: median('read'), p99: round(percentile(samples.read, 99)) },
    writeToolMs: { p50: median('write'), p99: round(percentile(samples.write, 99)) },
    readAddedMs: round(median('read') - plain),
    writeAddedMs: round(median('write') - plain),
    readRatio: round(median('read') / plain),
    writeRatio: round(median('write') / plain),
  };
}
