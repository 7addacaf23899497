import { describe, expect, it } from 'vitest';
import type { ToolList } from '../../api/protocol/agent-api';
import { demoTimeZone, seedDemoBusiness } from '../../devkit/demo-business';
import { localTime } from '../../domain/time-zone';
import { toolAnswers } from '../fakes/openai';
import { smsParams, uniquePhone, useStack, type Stack } from '../support/stack';

/** What `npm start` seeds: every pack on, with something to book, order, buy and ask about, out of the box. */
let stack: Stack;
useStack((started) => (stack = started), { BATCH_QUIET_MS: '200' });

describe('the demo business', () => {
  it('has every pack on and seeded, once: a table to book, a menu, cars, its hours, its persona', async () => {
    expect(await seedDemoBusiness(stack.db, 'default')).toBe(56);
    await stack.api('/api/tools/get_menu', { method: 'PATCH', body: JSON.stringify({ enabled: false }) });
    // Seeding again (the next start) adds nothing and keeps what an admin turned off.
    expect(await seedDemoBusiness(stack.db, 'default')).toBe(0);
    const tools = (await (await stack.api('/api/tools')).json()) as ToolList;
    expect(tools.tools.filter((t) => !t.enabled).map((t) => t.name)).toEqual(['get_menu']);
    await stack.api('/api/tools/get_menu', { method: 'PATCH', body: JSON.stringify({ enabled: true }) });

    const tomorrow = localTime(new Date(Date.now() + 86_400_000), demoTimeZone).date;
    stack.openai.script(
      {
        toolCalls: [
          { name: 'get_business_info', arguments: {} },
          { name: 'check_availability', arguments: { date: tomorrow, party_size: 2 } },
          { name: 'get_menu', arguments: {} },
          { name: 'search_listings', arguments: { make: 'Toyota' } },
        ],
      },
      { content: 'Here is what we have.' },
    );
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'What do you have?' }));
    await stack.twilio.waitForSent(1);
    await stack.settled(from);
    const [info, availability, menu, cars] = toolAnswers(stack.openai.requests[1]);
    expect(info).toMatchObject({ name: 'Harbour & Co.', time_zone: demoTimeZone, open_now: expect.any(Boolean) as boolean, hours: { monday: '09:00–18:00', sunday: 'closed' } });
    expect((availability?.slots as unknown[]).length).toBeGreaterThan(0);
    expect((menu?.items as unknown[]).length).toBe(7);
    expect(cars).toMatchObject({ count: 2 });
    expect(stack.openai.requests[0]?.messages[0]?.content).toContain('You are Maya');
  });
});
