import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';
import type { TenantSettingsView } from '../../api/protocol/admin-api';
import type { ConversationList } from '../../api/protocol/agent-api';
import { defaultServiceTexts } from '../../domain/texts';
import { keepHistory } from '../support/histories';
import { smsParams, uniquePhone, useStack, type Stack } from '../support/stack';

let stack: Stack;
// A run ends a few seconds after its last message, so its closing summary is seen too.
useStack((started) => (stack = started), { BATCH_QUIET_MS: '200', CONVERSATION_IDLE_MS: '3000' });

const knownOnly = async () => {
  const response = await stack.api('/api/settings', { method: 'PATCH', body: JSON.stringify({ inboundPolicy: 'known_only' }) });
  expect(response.status).toBe(200);
  expect(((await response.json()) as TenantSettingsView).inboundPolicy).toBe('known_only');
};

async function text(from: string, body: string): Promise<void> {
  expect((await stack.postSms(smsParams({ from, body }))).status).toBe(200);
  await stack.settled(from);
}

describe('the known-only inbound policy', () => {
  it('records a stranger, answers them once a day with the tenant text and never with the model, until the team writes to them', async () => {
    await knownOnly();
    const stranger = uniquePhone();
    const id = conversationWorkflowId({ tenantId: 'default', contactKey: stranger });

    await text(stranger, 'hi, who is this?');
    await text(stranger, 'hello??');
    expect(stack.twilio.sent.map((m) => ({ to: m.to, body: m.body }))).toEqual([{ to: stranger, body: defaultServiceTexts.unknownSender }]);
    expect(stack.openai.requests).toEqual([]);

    // Listed to agents like anyone else, with what they wrote.
    const listed = (await (await stack.api('/api/conversations')).json()) as ConversationList;
    expect(listed.conversations.find((c) => c.id === id)).toMatchObject({ preview: 'hello??', messageCount: 3 });

    // The run ends; its summary is written without the model too.
    await expect.poll(async () => (await stack.db.selectFrom('conversations').select('summary').where('id', '=', id).executeTakeFirst())?.summary, { timeout: 20_000 }).toContain('hello??');
    expect(stack.openai.requests).toEqual([]);

    // A day later the notice is due again, once.
    await stack.db.updateTable('messages').set({ created_at: sql`created_at - interval '25 hours'` }).where('conversation_id', '=', id).execute();
    await text(stranger, 'anyone there?');
    expect(stack.twilio.sent.map((m) => m.body)).toEqual([defaultServiceTexts.unknownSender, defaultServiceTexts.unknownSender]);
    expect(stack.openai.requests).toEqual([]);
    await keepHistory('unknown-sender', stack.temporal.workflow.getHandle(id));

    // Once a person of the team writes to them, they are known: the assistant answers.
    const wrote = await stack.api(`/api/conversations/${encodeURIComponent(id)}/messages`, { method: 'POST', body: JSON.stringify({ channel: 'sms', body: 'Hi, this is Ada from the shop.' }) });
    expect(wrote.status).toBe(201);
    await stack.twilio.waitForSent(3);
    stack.openai.script({ content: 'We open at nine.' });
    await text(stranger, 'when do you open?');
    expect(stack.twilio.sent.map((m) => m.body).slice(2)).toEqual(['Hi, this is Ada from the shop.', 'We open at nine.']);
    expect(stack.openai.requests).toHaveLength(1);
  });

  it('leaves calls and the open policy alone', async () => {
    // Open (the default): a stranger's text goes to the model.
    const stranger = uniquePhone();
    stack.openai.script({ content: 'Hello there!' });
    await text(stranger, 'hi');
    expect(stack.twilio.sent.map((m) => m.body)).toEqual(['Hello there!']);

    // Known-only: a call from a stranger is still answered.
    await knownOnly();
    const number = uniquePhone();
    const caller = stack.caller(number);
    expect(await caller.ring()).toBe(200);
    await caller.connect();
    stack.openai.script({ content: 'You are speaking with the shop.' });
    caller.say('who is this?');
    expect((await caller.reply()).text).toBe('You are speaking with the shop.');
    await caller.hangUp();
    // A call anyone can place makes nobody known: their text is still screened (once the call's summary is written:
    // a call is the model's).
    await stack.settled(number);
    const calls = stack.openai.requests.length;
    await text(number, 'and by text?');
    expect(stack.twilio.sent.at(-1)).toMatchObject({ to: number, body: defaultServiceTexts.unknownSender });
    expect(stack.openai.requests).toHaveLength(calls);
  });
});
