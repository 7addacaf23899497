import { describe, expect, it } from 'vitest';
import type { AnalyticsReport } from '../../api/protocol/analytics';
import type { MessageAuthor, MessageDirection } from '../../db/schema';
import { addDays, localTime } from '../../domain/time-zone';
import { useStack, type Stack } from '../support/stack';

let stack: Stack;
// The figures are read from rows seeded directly: no conversation runs.
useStack((started) => (stack = started), {}, { worker: false });

/**
 * Three days of a tenant in Vancouver (UTC-8 in February): local 2026-02-10 is 08:00Z on the 10th to 08:00Z on the
 * 11th. Rows just either side of the range, and another tenant's, must not count.
 */
const range = 'from=2026-02-10&to=2026-02-12';

async function conversation(id: string, channel: string, tenant = 'default'): Promise<void> {
  await stack.db.insertInto('conversations').values({ id, tenant_id: tenant, contact_key: id, last_channel: channel, last_message_at: new Date() }).execute();
}

let counter = 0;
async function message(conversationId: string, at: string, author: MessageAuthor, channel: string, body = '', options: { direction?: MessageDirection; unsourced?: boolean; tenant?: string } = {}): Promise<void> {
  const direction = options.direction ?? (author === 'customer' ? 'inbound' : 'outbound');
  await stack.db
    .insertInto('messages')
    .values({
      id: `m${(counter += 1)}`,
      conversation_id: conversationId,
      tenant_id: options.tenant ?? 'default',
      direction,
      author,
      channel,
      from_address: 'a',
      to_address: 'b',
      body: body || `${author} says something`,
      status: direction === 'inbound' ? 'received' : 'sent',
      sources: options.unsourced ? '[]' : null,
      created_at: at,
    })
    .execute();
}

async function handoff(conversationId: string, at: string, reason: string, options: { claimedAt?: string; kind?: 'handoff' | 'takeover'; tenant?: string } = {}): Promise<void> {
  await stack.db
    .insertInto('handoff_tasks')
    .values({
      id: `h${(counter += 1)}`,
      tenant_id: options.tenant ?? 'default',
      conversation_id: conversationId,
      reason,
      status: options.claimedAt ? 'claimed' : 'open',
      claimed_by: null,
      escalated_at: null,
      deadline: at,
      channel: null,
      resolution_note: null,
      claimed_at: options.claimedAt ?? null,
      kind: options.kind ?? 'handoff',
      created_at: at,
    })
    .execute();
}

async function call(conversationId: string, at: string, durationSeconds: number | null, tenant = 'default'): Promise<void> {
  await stack.db
    .insertInto('calls')
    .values({
      call_sid: `CA${(counter += 1)}`,
      tenant_id: tenant,
      conversation_id: conversationId,
      contact_key: conversationId,
      direction: 'inbound',
      from_address: 'a',
      to_address: 'b',
      status: 'completed',
      session_id: null,
      session_status: null,
      error_code: null,
      error_message: null,
      duration_seconds: durationSeconds,
      started_at: at,
      connected_at: null,
      ended_at: null,
    })
    .execute();
}

async function modelCall(at: string, costUsd: string, tenant = 'default'): Promise<void> {
  await stack.db
    .insertInto('model_calls')
    .values({ tenant_id: tenant, conversation_id: null, purpose: 'reply', provider: 'test', model: 'm', prompt_tokens: 1, completion_tokens: 1, latency_ms: 1, cost_usd: costUsd, created_at: at })
    .execute();
}

async function seed(): Promise<void> {
  await stack.db.updateTable('tenants').set({ time_zone: 'America/Vancouver' }).where('id', '=', 'default').execute();
  for (const [id, channel] of [['c1', 'sms'], ['c2', 'web'], ['c3', 'voice'], ['c4', 'sms']] as const) await conversation(id, channel);

  // Local 2026-02-10. c1 writes on SMS and then on WhatsApp: one conversation on each channel that day.
  await message('c1', '2026-02-10T17:00:00Z', 'customer', 'sms', 'Hi, is my order ready?');
  await message('c1', '2026-02-10T17:00:30Z', 'ai', 'sms'); // waited 30 s
  await message('c1', '2026-02-10T18:00:00Z', 'customer', 'whatsapp', 'Hello');
  // A note is nothing the customer sees: no channel, no notice, and the customer is still waiting.
  await message('c1', '2026-02-10T18:00:10Z', 'system', 'voice', 'Summary of the phone call', { direction: 'internal' });
  await message('c1', '2026-02-10T18:00:20Z', 'customer', 'whatsapp', 'Do you deliver to Whistler?'); // still the same wait
  await message('c1', '2026-02-10T18:02:00Z', 'ai', 'whatsapp', '', { unsourced: true }); // waited 120 s
  await message('c2', '2026-02-10T20:00:00Z', 'customer', 'web', 'I want to speak to a person');
  await handoff('c2', '2026-02-10T20:00:05Z', 'Customer asked for a person', { claimedAt: '2026-02-10T20:01:05Z' }); // claimed after 60 s
  await message('c2', '2026-02-10T20:00:06Z', 'system', 'web', 'A person will answer soon'); // a notice, no answer
  await message('c2', '2026-02-10T20:05:00Z', 'agent', 'web'); // waited 300 s
  await modelCall('2026-02-10T17:00:29Z', '0.00123456');
  await modelCall('2026-02-10T18:01:59Z', '0.00000001');

  // Local 2026-02-11, which ends at 08:00Z on the 12th.
  await message('c2', '2026-02-12T06:00:00Z', 'customer', 'web', 'Are you open on Sunday?');
  await message('c2', '2026-02-12T06:00:10Z', 'ai', 'web', '', { unsourced: true }); // waited 10 s
  await call('c3', '2026-02-11T16:00:00Z', 90);
  await message('c3', '2026-02-11T16:00:05Z', 'customer', 'voice', 'When do you close today?');
  await message('c3', '2026-02-11T16:00:07Z', 'ai', 'voice'); // waited 2 s
  await handoff('c3', '2026-02-11T16:01:00Z', '  Customer asked for a person ', { claimedAt: '2026-02-11T16:04:00Z' }); // 180 s
  await call('c3', '2026-02-11T17:00:00Z', null);
  await message('c3', '2026-02-11T17:00:05Z', 'customer', 'voice', 'Hello?'); // never answered: no wait counted
  await handoff('c3', '2026-02-11T17:01:00Z', 'CUSTOMER ASKED FOR A PERSON');

  // Local 2026-02-12.
  await message('c1', '2026-02-12T09:00:00Z', 'customer', 'sms', 'Do you deliver to whistler');
  await message('c1', '2026-02-12T09:10:00Z', 'agent', 'sms'); // waited 600 s
  await message('c1', '2026-02-12T09:15:00Z', 'ai', 'sms', '', { unsourced: true });
  await handoff('c1', '2026-02-12T09:20:00Z', 'An agent joined', { kind: 'takeover', claimedAt: '2026-02-12T09:20:00Z' });
  await handoff('c4', '2026-02-12T10:00:00Z', 'Refund request');
  await modelCall('2026-02-13T07:59:59Z', '0.5');

  // Just outside, in the tenant's time zone (though inside in UTC for the first two).
  await message('c4', '2026-02-10T07:59:59Z', 'customer', 'sms', 'Is anyone there?');
  await modelCall('2026-02-10T07:59:59Z', '2');
  await call('c4', '2026-02-10T07:00:00Z', 1000);
  await handoff('c4', '2026-02-10T07:00:00Z', 'Refund request', { claimedAt: '2026-02-10T07:30:00Z' });
  await message('c4', '2026-02-13T08:00:00Z', 'customer', 'sms', 'Is anyone there now?');
  await modelCall('2026-02-13T08:00:00Z', '1');

  // Another tenant's, in the range.
  await stack.db.insertInto('tenants').values({ id: 'other', name: 'Other', system_prompt: '' }).execute();
  await conversation('o1', 'sms', 'other');
  await message('o1', '2026-02-11T18:00:00Z', 'customer', 'sms', 'Do you deliver to Whistler?', { tenant: 'other' });
  await message('o1', '2026-02-11T18:00:01Z', 'ai', 'sms', '', { tenant: 'other', unsourced: true });
  await handoff('o1', '2026-02-11T18:00:02Z', 'Customer asked for a person', { tenant: 'other', claimedAt: '2026-02-11T19:00:00Z' });
  await call('o1', '2026-02-11T18:00:00Z', 500, 'other');
  await modelCall('2026-02-11T18:00:00Z', '7', 'other');
}

const channels = (counts: Partial<Record<'sms' | 'whatsapp' | 'voice' | 'web', number>>) => ({ sms: 0, whatsapp: 0, voice: 0, web: 0, ...counts });

describe('analytics', () => {
  it("counts each day of the tenant's time zone, who answered and how fast, and what went unanswered", async () => {
    await seed();
    const response = await stack.api(`/api/analytics?${range}`);
    expect(response.status).toBe(200);
    const report = (await response.json()) as AnalyticsReport;

    expect(report).toMatchObject({ from: '2026-02-10', to: '2026-02-12', timeZone: 'America/Vancouver' });
    expect(report.days).toEqual([
      {
        day: '2026-02-10',
        conversations: channels({ sms: 1, whatsapp: 1, web: 1 }),
        messagesIn: channels({ sms: 1, whatsapp: 2, web: 1 }),
        messagesOut: channels({ sms: 1, whatsapp: 1, web: 1 }),
        notices: 1,
        costUsd: 0.001235,
        calls: 0,
      },
      { day: '2026-02-11', conversations: channels({ voice: 1, web: 1 }), messagesIn: channels({ voice: 2, web: 1 }), messagesOut: channels({ voice: 1, web: 1 }), notices: 0, costUsd: 0, calls: 2 },
      { day: '2026-02-12', conversations: channels({ sms: 1 }), messagesIn: channels({ sms: 1 }), messagesOut: channels({ sms: 2 }), notices: 0, costUsd: 0.5, calls: 0 },
    ]);
    expect(report.totals).toEqual({ conversations: 3, messagesIn: 8, messagesOut: 7, notices: 1 });
    expect(report.answered).toEqual({ byAssistant: 5, byPeople: 2, assistantShare: 5 / 7 });
    // Waits of 2, 10, 30, 120, 300 and 600 s: interpolated, p50 halfway from 30 to 120, p90 halfway from 300 to 600.
    expect(report.firstResponse).toEqual({ count: 6, p50Seconds: 75, p90Seconds: 450 });
    // 60 and 180 s; the takeover and the handoff before the range left out.
    expect(report.handoffWait).toEqual({ count: 2, p50Seconds: 120, p90Seconds: 168 });
    expect(report.calls).toEqual({ count: 2, averageSeconds: 90 });
    expect(report.costUsd).toBe(0.501235);
    expect(report.unanswered).toEqual([
      { kind: 'handoff_reason', label: 'Customer asked for a person', count: 3, conversationIds: ['c3', 'c2'] },
      { kind: 'knowledge_gap', label: 'Do you deliver to Whistler?', count: 2, conversationIds: ['c1'] },
      { kind: 'handoff_reason', label: 'Refund request', count: 1, conversationIds: ['c4'] },
      { kind: 'knowledge_gap', label: 'Are you open on Sunday?', count: 1, conversationIds: ['c2'] },
    ]);
  });

  it('answers every day of an empty range with zeros, and the last 30 days by default', async () => {
    const report = (await (await stack.api('/api/analytics?from=2020-02-28&to=2020-03-01')).json()) as AnalyticsReport;
    expect(report.days.map((d) => d.day)).toEqual(['2020-02-28', '2020-02-29', '2020-03-01']);
    expect(report.days[1]).toEqual({ day: '2020-02-29', conversations: channels({}), messagesIn: channels({}), messagesOut: channels({}), notices: 0, costUsd: 0, calls: 0 });
    expect(report).toMatchObject({
      answered: { byAssistant: 0, byPeople: 0, assistantShare: null },
      firstResponse: { count: 0, p50Seconds: null, p90Seconds: null },
      handoffWait: { count: 0, p50Seconds: null, p90Seconds: null },
      calls: { count: 0, averageSeconds: null },
      costUsd: 0,
      unanswered: [],
    });

    const recent = (await (await stack.api('/api/analytics')).json()) as AnalyticsReport;
    const today = localTime(new Date(), 'UTC').date;
    expect(recent).toMatchObject({ from: addDays(today, -29), to: today, timeZone: 'UTC' });
    expect(recent.days).toHaveLength(30);
  });

  it('refuses a bad date, a range backwards or over 366 days, naming the field', async () => {
    const refusal = async (query: string) => {
      const response = await stack.api(`/api/analytics?${query}`);
      return { status: response.status, body: (await response.json()) as unknown };
    };
    expect(await refusal('from=2026-02-30')).toEqual({ status: 400, body: { error: { code: 'invalid_query', message: expect.stringMatching(/^from: /) as string } } });
    expect(await refusal('from=2026-01-01&to=tomorrow')).toEqual({ status: 400, body: { error: { code: 'invalid_query', message: expect.stringMatching(/^to: /) as string } } });
    // Dates that are each fine but make no range: 422.
    expect(await refusal('from=2026-02-12&to=2026-02-10')).toEqual({ status: 422, body: { error: { code: 'invalid_range', message: 'from: must not be after to' } } });
    expect(await refusal('from=2025-01-01&to=2026-01-02')).toMatchObject({ status: 422, body: { error: { code: 'invalid_range', message: expect.stringMatching(/^to: at most 366 days/) as string } } });
    // 366 days, both included, is a whole leap year.
    expect((await stack.api('/api/analytics?from=2024-01-01&to=2024-12-31')).status).toBe(200);
    expect((await stack.api('/api/analytics?from=2026-02-10', { token: 'not-a-token' })).status).toBe(401);
  });

  it("serves the panel's stylesheets, uPlot's from its package, to the console page", async () => {
    for (const [path, rule] of [['/console/uplot.css', '.uplot'], ['/console/analytics.css', '.analytics-pair']] as const) {
      const response = await fetch(`${stack.apiUrl}${path}`);
      expect(response.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(await response.text()).toContain(rule);
    }
  });
});
