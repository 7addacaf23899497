import { MockActivityEnvironment } from '@temporalio/testing';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import type { RunToolInput } from '../../activities/tool-runs';
import { TwilioAccounts } from '../../worker/twilio-accounts';
import { conversationWorkflowId } from '../../api/conversation-client';
import { localTime, zonedInstant } from '../../domain/time-zone';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';
import { publicBaseUrl, resetDatabase, smsParams, startStack, textsCodes, uniquePhone, type Stack } from '../support/stack';

/**
 * A write tool acts once per key whatever happens around it: an activity retried after its write, attempts racing,
 * customers racing for the last place, and a worker killed in the middle of the write.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ BATCH_QUIET_MS: '200' }, { worker: false });
  await resetDatabase(stack.db);
  const packs = ['create_booking', 'add_to_order', 'confirm_order', 'record_interest'];
  await stack.db.insertInto('tenant_tools').values(packs.map((name) => ({ tenant_id: 'default', name, enabled: true }))).execute();
});
afterAll(async () => {
  await stack?.stop();
});

async function slot(id: string, capacity: number): Promise<string> {
  const date = localTime(new Date(Date.now() + 86_400_000), 'UTC').date;
  await stack.db.insertInto('booking_slots').values({ id, tenant_id: 'default', service: 'table', starts_at: zonedInstant(date, 12 * 60, 'UTC'), capacity }).execute();
  return id;
}

async function conversation(contactKey: string): Promise<string> {
  const id = conversationWorkflowId({ tenantId: 'default', contactKey });
  await stack.db.insertInto('conversations').values({ id, tenant_id: 'default', contact_key: contactKey, last_channel: 'sms', last_message_at: new Date() }).execute();
  return id;
}

function booking(conversationId: string, slotId: string, key: string): RunToolInput {
  return { key, tenantId: 'default', conversationId, name: 'create_booking', arguments: { slot_id: slotId, name: 'Ada', party_size: 1 } };
}

/** The worker's activities, on the stack's database and fake Twilio. */
function activities() {
  return createActivities({
    db: stack.db,
    twilioAccounts: new TwilioAccounts(stack.db, stack.config),
    models: null,
    embedder: null,
    knowledge: { allowPrivateUrls: false },
    tools: { allowPrivateUrls: false, secrets: null },
    llm: { contextTokens: 3000, offlineWordMs: 0 },
    statusCallbackUrl: null,
    voiceUrls: { answer: `${publicBaseUrl}/webhooks/twilio/voice`, status: `${publicBaseUrl}/webhooks/twilio/voice/status` },
  });
}

/** The write activity as Temporal runs it: `attempt` is what a retry would carry. */
function runWrite(input: RunToolInput, attempt = 1) {
  return new MockActivityEnvironment({ attempt }).run(activities().runWriteTool, input);
}

async function bookingsIn(slotId: string) {
  return stack.db.selectFrom('bookings').select(['ref', 'contact_key']).where('slot_id', '=', slotId).execute();
}

describe('a write tool', () => {
  it('returns the stored outcome when its activity is retried after the write, instead of booking again', async () => {
    const slotId = await slot('retry', 5);
    const input = booking(await conversation(uniquePhone()), slotId, 'wf/run/turn/0/0');
    const first = await runWrite(input);
    const retried = await runWrite(input, 2);
    expect(retried).toEqual(first);
    expect(await bookingsIn(slotId)).toHaveLength(1);
    const run = await stack.db.selectFrom('tool_runs').select(['status', 'attempts']).where('key', '=', input.key).executeTakeFirstOrThrow();
    expect(run).toEqual({ status: 'done', attempts: 2 });
  });

  it('adds to an order and places it once when those activities are retried after writing', async () => {
    await stack.db.insertInto('menu_items').values({ id: 'tea', tenant_id: 'default', name: 'Tea', price_cents: 300, currency: 'CAD' }).execute();
    const conversationId = await conversation(uniquePhone());
    const add = { key: 'wf/run/order/0/0', tenantId: 'default', conversationId, name: 'add_to_order', arguments: { item_id: 'tea', quantity: 2 } };
    const confirm = { key: 'wf/run/order/1/0', tenantId: 'default', conversationId, name: 'confirm_order', arguments: {} };
    expect(await runWrite(add, 2)).toEqual(await runWrite(add));
    expect(await runWrite(confirm, 2)).toEqual(await runWrite(confirm));
    const lines = await stack.db.selectFrom('order_items').innerJoin('orders', 'orders.ref', 'order_items.order_ref').select(['status', 'quantity']).where('conversation_id', '=', conversationId).execute();
    expect(lines).toEqual([{ status: 'confirmed', quantity: 2 }]);
  });

  it("records a buyer's interest and texts the seller once when the activity is retried after writing, and once per buyer", async () => {
    await textsCodes(stack.db);
    const seller = uniquePhone();
    await stack.db
      .insertInto('listings')
      .values({ tenant_id: 'default', id: 'car-1', make: 'Toyota', model: 'Corolla', year: 2019, price_cents: 1_650_000, currency: 'CAD', fuel: 'petrol', transmission: 'automatic', city: 'Vancouver', seller_name: 'Sam', seller_phone: seller })
      .execute();
    const buyer = uniquePhone();
    const conversationId = await conversation(buyer);
    const interest = (key: string) => ({ key, tenantId: 'default', conversationId, name: 'record_interest', arguments: { listing_id: 'car-1' } });
    stack.twilio.reset();
    const first = await runWrite(interest('wf/run/lead/0/0'));
    expect(await runWrite(interest('wf/run/lead/0/0'), 2)).toEqual(first);
    // The same buyer again, in a later turn: no second lead, no second text.
    expect(await runWrite(interest('wf/run/lead/1/0'))).toMatchObject({ note: expect.stringContaining('already') as string });
    expect(stack.twilio.sent.map((s) => [s.to, s.body])).toEqual([[seller, expect.stringContaining(`Reach them at ${buyer}`) as string]]);
    const listing = await stack.db.selectFrom('listings').select('interest_count').where('id', '=', 'car-1').executeTakeFirstOrThrow();
    expect(listing.interest_count).toBe(1);
    const notices = await stack.db.selectFrom('messages').select(['to_address', 'status']).where('id', 'like', 'notify:%').execute();
    expect(notices).toEqual([{ to_address: seller, status: expect.not.stringMatching(/failed/) as string }]);
  });

  it('acts once when attempts of one call run at the same time', async () => {
    const slotId = await slot('same-time', 5);
    const input = booking(await conversation(uniquePhone()), slotId, 'wf/run/turn/0/1');
    const results = await Promise.all([1, 2, 3, 4, 5].map((attempt) => runWrite(input, attempt)));
    for (const result of results) expect(result).toEqual(results[0]);
    expect(results[0]).toMatchObject({ booking_ref: expect.any(String) as string });
    expect(await bookingsIn(slotId)).toHaveLength(1);
  });

  it('gives the last place to exactly one of ten customers booking it at once', async () => {
    const slotId = await slot('last-place', 1);
    const inputs = await Promise.all(Array.from({ length: 10 }, async (_, i) => booking(await conversation(uniquePhone()), slotId, `race/${i}`)));
    const results = (await Promise.all(inputs.map((input) => runWrite(input)))) as { booking_ref?: string; error?: string }[];
    expect(results.filter((r) => r.booking_ref)).toHaveLength(1);
    expect(results.filter((r) => r.error?.includes('taken'))).toHaveLength(9);
    expect(await bookingsIn(slotId)).toHaveLength(1);
  });

  it('books once when the worker is killed in the middle of the write and another takes over', async () => {
    const slotId = await slot('killed', 5);
    const from = uniquePhone();
    stack.openai.reset();
    stack.twilio.reset();
    stack.openai.respond = (request) =>
      request.messages.some((m) => m.role === 'tool') ? { content: 'Booked.' } : { toolCalls: [{ name: 'create_booking', arguments: { slot_id: slotId, name: 'Ada' } }] };

    let first: WorkerProcess | undefined;
    let second: WorkerProcess | undefined;
    // The test holds the slot's row: the booking's transaction waits on it, mid-write, until the lock goes.
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const holding = stack.db.transaction().execute(async (trx) => {
      await sql`select 1 from booking_slots where id = ${slotId} for update`.execute(trx);
      await released;
    });
    try {
      first = await startWorkerProcess(stack.workerEnv());
      await stack.postSms(smsParams({ from, body: 'Book me the table' }));
      await expect.poll(() => waitingOnSlot(), { timeout: 30_000, interval: 100 }).toBe(true);
      await first.kill();
      release();
      await holding;
      second = await startWorkerProcess(stack.workerEnv());
      const [reply] = await stack.twilio.waitForSent(1, 60_000);
      expect(reply).toMatchObject({ to: from, body: 'Booked.' });
      await stack.settled(from);
      expect(await bookingsIn(slotId)).toHaveLength(1);
      expect((await stack.db.selectFrom('booking_slots').select('booked').where('id', '=', slotId).executeTakeFirstOrThrow()).booked).toBe(1);
      // The killed attempt left nothing: its transaction, with its start of the run, was rolled back.
      const runs = await stack.db.selectFrom('tool_runs').select(['status', 'attempts']).where('tool', '=', 'create_booking').where('conversation_id', '=', conversationWorkflowId({ tenantId: 'default', contactKey: from })).execute();
      expect(runs).toEqual([{ status: 'done', attempts: 1 }]);
    } finally {
      release();
      await holding.catch(() => undefined);
      await first?.kill();
      await second?.kill();
    }
  }, 120_000);
});

/** Whether a booking's update of the slot waits on the test's lock. */
async function waitingOnSlot(): Promise<boolean> {
  const { rows } = await sql<{ waiting: number }>`select count(*)::int as waiting from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock' and query like 'update "booking_slots"%'`.execute(stack.db);
  return (rows[0]?.waiting ?? 0) > 0;
}
