import { describe, expect, it } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';
import type { ConversationDetail, PersonaView } from '../../api/protocol/agent-api';
import { createAgent } from '../../db/repositories/agents';
import { smsParams, uniquePhone, useStack, type Stack } from '../support/stack';

/** Who the assistant is for a tenant, and the one system prompt built from it, its profile and its tools. */
let stack: Stack;
useStack((started) => (stack = started), { BATCH_QUIET_MS: '200' });

/** The prompt without its clock line, which moves with every minute. */
const timeless = (prompt: string) => prompt.replace(/\n\nIt is [^\n]+/, '');

describe('personas', () => {
  it('starts from an industry template, takes the name, tone and profile an admin gives, and is what the model is told', async () => {
    const before = (await (await stack.api('/api/persona')).json()) as PersonaView;
    expect(before.templates.map((t) => t.name)).toEqual(['retail', 'automotive_dealer', 'restaurant', 'clinic_front_desk', 'hotel', 'recruitment']);
    expect(before.prompt).toContain('You are the customer service assistant of Default');

    const { token } = await createAgent(stack.db, { tenantId: 'default', name: 'Not an admin' });
    expect((await stack.api('/api/persona', { method: 'PUT', token, body: JSON.stringify({ assistantName: 'Eve' }) })).status).toBe(403);
    expect((await stack.api('/api/persona', { method: 'PUT', body: JSON.stringify({ template: 'spaceport' }) })).status).toBe(400);

    const put = await stack.api('/api/persona', {
      method: 'PUT',
      body: JSON.stringify({ assistantName: 'Maya', template: 'restaurant', profile: 'Harbour Café, a 40-seat café in Gastown, Vancouver.', instructions: 'Mention the daily soup.' }),
    });
    expect(put.status).toBe(200);
    const after = (await put.json()) as PersonaView;
    expect(after.persona).toEqual({ assistantName: 'Maya', template: 'restaurant', profile: 'Harbour Café, a 40-seat café in Gastown, Vancouver.', instructions: 'Mention the daily soup.' });
    for (const part of ["You are Maya, a restaurant's host of Default", 'Your tone: warm and welcoming.', 'About the business: Harbour Café', 'Take table bookings', 'Mention the daily soup.', 'Your tools: search_knowledge, handoff_to_human.']) {
      expect(after.prompt).toContain(part);
    }
    expect(after.prompt).toMatch(/It is \w+day \d{4}-\d{2}-\d{2}, \d{2}:\d{2} where the business is \(UTC\)\./);

    // Turning on a pack adds its tools, and what to do before acting.
    await stack.api('/api/tools/create_booking', { method: 'PATCH', body: JSON.stringify({ enabled: true }) });
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'A table for four tonight?' }));
    await stack.twilio.waitForSent(1);
    await stack.settled(from);
    const told = stack.openai.requests[0]?.messages[0]?.content ?? '';
    expect(told).toContain('create_booking');
    expect(told).toContain('make sure the customer asked for exactly that');
    const detail = (await (await stack.api(`/api/conversations/${encodeURIComponent(conversationWorkflowId({ tenantId: 'default', contactKey: from }))}`)).json()) as ConversationDetail;
    expect(timeless(detail.assistantPrompt)).toBe(timeless(told));
  });
});
