import { describe, expect, it } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';
import type { BookingList, ToolList } from '../../api/protocol/agent-api';
import { localTime, zonedInstant } from '../../domain/time-zone';
import { createAgent } from '../../db/repositories/agents';
import { toolAnswers } from '../fakes/openai';
import { smsParams, uniquePhone, useStack, type Stack } from '../support/stack';
import { newVisitorSays } from '../support/web-visitor';

/** The bookings pack end to end: the fake model calls the tools as a real one would, over SMS, web chat and a call. */
let stack: Stack;
useStack((started) => (stack = started), { BATCH_QUIET_MS: '200' });

const timeZone = 'America/Vancouver';

/** Tomorrow in the tenant's zone, and a slot at 19:00 then with `capacity` places. */
async function slotTomorrow(id: string, capacity = 4): Promise<{ date: string; slotId: string }> {
  const date = localTime(new Date(Date.now() + 86_400_000), timeZone).date;
  await stack.db.updateTable('tenants').set({ time_zone: timeZone }).where('id', '=', 'default').execute();
  await stack.db.insertInto('booking_slots').values({ id, tenant_id: 'default', service: 'table', starts_at: zonedInstant(date, 19 * 60, timeZone), capacity }).execute();
  return { date, slotId: id };
}

async function turnOnBookings(): Promise<void> {
  for (const name of ['check_availability', 'create_booking', 'cancel_booking', 'lookup_booking']) {
    const response = await stack.api(`/api/tools/${name}`, { method: 'PATCH', body: JSON.stringify({ enabled: true }) });
    expect(response.status).toBe(200);
  }
}

/** The model checks availability, books the slot for Ada, then tells the customer. */
function scriptBooking(date: string, slotId: string): void {
  stack.openai.script(
    { toolCalls: [{ name: 'check_availability', arguments: { date, party_size: 2 } }] },
    { toolCalls: [{ name: 'create_booking', arguments: { slot_id: slotId, name: 'Ada', party_size: 2 } }] },
    { content: 'You are booked for tomorrow at 19:00.' },
  );
}

async function bookings() {
  return stack.db.selectFrom('bookings').selectAll().execute();
}

describe('bookings', () => {
  it('lists the tools with whether each is on, and only an admin turns one on', async () => {
    const list = (await (await stack.api('/api/tools')).json()) as ToolList;
    const byName = Object.fromEntries(list.tools.map((t) => [t.name, t]));
    expect(byName.search_knowledge).toMatchObject({ kind: 'read', pack: 'core', enabled: true });
    expect(byName.create_booking).toMatchObject({ kind: 'write', pack: 'bookings', enabled: false });
    expect(byName.create_booking?.parameters).toMatchObject({ type: 'object', required: ['slot_id', 'name'] });
    expect(byName.show_options?.channels).toEqual(['web']);

    const { token } = await createAgent(stack.db, { tenantId: 'default', name: 'Not an admin' });
    const refused = await stack.api('/api/tools/create_booking', { method: 'PATCH', token, body: JSON.stringify({ enabled: true }) });
    expect(refused.status).toBe(403);
    expect((await stack.api('/api/tools/teleport', { method: 'PATCH', body: JSON.stringify({ enabled: true }) })).status).toBe(404);
    expect((await stack.api('/api/tools/create_booking', { method: 'PATCH', body: JSON.stringify({ enabled: 'yes' }) })).status).toBe(400);
    const on = await stack.api('/api/tools/create_booking', { method: 'PATCH', body: JSON.stringify({ enabled: true }) });
    expect(await on.json()).toMatchObject({ name: 'create_booking', enabled: true });
  });

  it('books over SMS: free slots with places left, one booking with a reference, listed for agents', async () => {
    await turnOnBookings();
    const { date, slotId } = await slotTomorrow('slot-sms');
    const from = uniquePhone();
    scriptBooking(date, slotId);
    await stack.postSms(smsParams({ from, body: 'A table for two tomorrow evening?' }));
    const [sent] = await stack.twilio.waitForSent(1);
    expect(sent?.body).toBe('You are booked for tomorrow at 19:00.');
    await stack.settled(from);

    const offered = stack.openai.requests[0]?.tools?.map((t) => t.function.name);
    expect(offered).toEqual(expect.arrayContaining(['check_availability', 'create_booking', 'search_knowledge', 'handoff_to_human']));
    expect(offered).not.toContain('show_options');
    const [availability, booked] = toolAnswers(stack.openai.requests[2]);
    expect(availability).toEqual({ date, time_zone: timeZone, slots: [{ slot_id: slotId, service: 'table', start: expect.stringMatching(new RegExp(`^${date}T19:00-0[78]:00$`)) as string, places_left: 4 }] });
    expect(booked).toMatchObject({ booking_ref: expect.stringMatching(/^BK-[A-Z2-9]{6}$/) as string, party_size: 2, name: 'Ada', status: 'booked' });

    const rows = await bookings();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ slot_id: slotId, contact_key: from, party_size: 2, conversation_id: conversationWorkflowId({ tenantId: 'default', contactKey: from }) });
    const slot = await stack.db.selectFrom('booking_slots').select('booked').where('id', '=', slotId).executeTakeFirstOrThrow();
    expect(slot.booked).toBe(2);
    const runs = await stack.db.selectFrom('tool_runs').select(['tool', 'status', 'attempts']).execute();
    expect(runs).toEqual([{ tool: 'create_booking', status: 'done', attempts: 1 }]);

    const listed = (await (await stack.api('/api/bookings')).json()) as BookingList;
    expect(listed.bookings).toEqual([expect.objectContaining({ ref: rows[0]?.ref, slotId, name: 'Ada', partySize: 2, status: 'booked', contactKey: from })]);
  });

  it('books from the web chat and on a call, the same way', async () => {
    await turnOnBookings();
    const { date, slotId } = await slotTomorrow('slot-live', 10);

    // Web chat: a visitor's one message, the streamed reply.
    scriptBooking(date, slotId);
    const chat = await newVisitorSays(stack, 'Table for two tomorrow?');
    expect(chat.status).toBe(200);
    expect(await chat.text()).toContain('booked');
    expect(stack.openai.requests[0]?.tools?.map((t) => t.function.name)).toContain('show_options');

    // A call.
    const caller = stack.caller(uniquePhone());
    expect(await caller.ring()).toBe(200);
    await caller.connect();
    scriptBooking(date, slotId);
    caller.say('I would like a table for two tomorrow evening');
    expect((await caller.reply()).text).toBe('You are booked for tomorrow at 19:00.');
    await caller.hangUp();
    await stack.settled(caller.options.from);

    const rows = await bookings();
    expect(rows.map((r) => r.contact_key).sort()).toEqual([caller.options.from, expect.stringMatching(/^web:/) as string].sort());
    expect((await stack.db.selectFrom('booking_slots').select('booked').where('id', '=', slotId).executeTakeFirstOrThrow()).booked).toBe(4);
  });

  it('answers bad arguments, unknown slots, past dates and switched-off tools with an error the model reads, writing nothing', async () => {
    await turnOnBookings();
    const { slotId } = await slotTomorrow('slot-bad');
    await stack.api('/api/tools/lookup_booking', { method: 'PATCH', body: JSON.stringify({ enabled: false }) });
    const from = uniquePhone();
    stack.openai.script(
      {
        toolCalls: [
          { name: 'create_booking', arguments: { slot_id: slotId, name: 'Ada', party_size: '2' } },
          { name: 'create_booking', arguments: { slot_id: 'no-such-slot', name: 'Ada' } },
          { name: 'check_availability', arguments: { date: '2020-01-01' } },
          { name: 'check_availability', arguments: { date: '2026-02-30' } },
          { name: 'check_availability', arguments: { date: '2026-13-01' } },
          { name: 'lookup_booking', arguments: {} },
          { name: 'launch_rocket', arguments: {} },
        ],
      },
      { content: 'Sorry, something was off.' },
    );
    await stack.postSms(smsParams({ from, body: 'Book me in' }));
    await stack.twilio.waitForSent(1);
    await stack.settled(from);
    const answers = toolAnswers(stack.openai.requests[1]) as { error?: string }[];
    expect(answers).toHaveLength(7);
    expect(answers.every((a) => typeof a.error === 'string')).toBe(true);
    expect(answers[0]?.error).toContain('party_size');
    expect(answers[1]?.error).toContain('no slot no-such-slot');
    expect(answers[2]?.error).toContain('in the past');
    expect(answers[3]?.error).toContain('YYYY-MM-DD');
    expect(answers[4]?.error).toContain('YYYY-MM-DD');
    expect(answers[5]?.error).toContain('no tool named lookup_booking');
    expect(answers[6]?.error).toContain('no tool named launch_rocket');
    expect(await bookings()).toEqual([]);
    expect((await stack.db.selectFrom('booking_slots').select('booked').where('id', '=', slotId).executeTakeFirstOrThrow()).booked).toBe(0);
  });

  it("shows and cancels a customer's own bookings only", async () => {
    await turnOnBookings();
    const { date, slotId } = await slotTomorrow('slot-own');
    const owner = uniquePhone();
    scriptBooking(date, slotId);
    await stack.postSms(smsParams({ from: owner, body: 'Table for two tomorrow' }));
    await stack.twilio.waitForSent(1);
    await stack.settled(owner);
    const [booking] = await bookings();
    const ref = booking?.ref ?? '';

    const stranger = uniquePhone();
    stack.openai.script(
      { toolCalls: [{ name: 'lookup_booking', arguments: { booking_ref: ref } }, { name: 'cancel_booking', arguments: { booking_ref: ref } }, { name: 'lookup_booking', arguments: {} }] },
      { content: 'I cannot find that booking.' },
    );
    const before = stack.openai.requests.length;
    await stack.postSms(smsParams({ from: stranger, body: `Cancel ${ref}` }));
    await stack.twilio.waitForSent(2);
    await stack.settled(stranger);
    const strangerAnswers = toolAnswers(stack.openai.requests[before + 1]) as { error?: string; bookings?: unknown[] }[];
    expect(strangerAnswers[0]?.error).toContain('no booking');
    expect(strangerAnswers[1]?.error).toContain('no live booking');
    expect(strangerAnswers[2]).toEqual({ bookings: [] });
    expect((await bookings())[0]?.status).toBe('booked');

    stack.openai.script({ toolCalls: [{ name: 'cancel_booking', arguments: { booking_ref: ref.toLowerCase() } }] }, { content: 'Cancelled.' });
    const mine = stack.openai.requests.length;
    await stack.postSms(smsParams({ from: owner, body: `Cancel ${ref}` }));
    await stack.twilio.waitForSent(3);
    await stack.settled(owner);
    expect(toolAnswers(stack.openai.requests[mine + 1])).toEqual([expect.objectContaining({ booking_ref: ref, status: 'cancelled' })]);
    expect((await bookings())[0]?.status).toBe('cancelled');
    expect((await stack.db.selectFrom('booking_slots').select('booked').where('id', '=', slotId).executeTakeFirstOrThrow()).booked).toBe(0);
  });

  it('gives the last place to one of two customers racing for it, and tells the other it is taken', async () => {
    await turnOnBookings();
    const { slotId } = await slotTomorrow('slot-last', 1);
    const [first, second] = [uniquePhone(), uniquePhone()];
    // Each model books the last place.
    stack.openai.respond = (request) =>
      request.messages.some((m) => m.role === 'tool')
        ? { content: 'done' }
        : { toolCalls: [{ name: 'create_booking', arguments: { slot_id: slotId, name: 'Racer' } }] };
    await Promise.all([first, second].map((from) => stack.postSms(smsParams({ from, body: 'The last table, please' }))));
    await stack.twilio.waitForSent(2);
    await Promise.all([stack.settled(first), stack.settled(second)]);
    const answers = stack.openai.requests.flatMap((r) => toolAnswers(r)) as { error?: string; booking_ref?: string }[];
    expect(answers.filter((a) => a.booking_ref)).toHaveLength(1);
    expect(answers.filter((a) => a.error?.includes('taken'))).toHaveLength(1);
    expect(await bookings()).toHaveLength(1);
    expect((await stack.db.selectFrom('booking_slots').select(['booked', 'capacity']).where('id', '=', slotId).executeTakeFirstOrThrow())).toEqual({ booked: 1, capacity: 1 });
  });
});
