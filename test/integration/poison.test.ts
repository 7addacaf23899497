import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { conversationWorkflowId, createConversationClient } from '../../api/conversation-client';
import { smsParams, uniquePhone, type Stack, useStack } from '../support/stack';

/**
 * Input no database can store (U+0000 in text) at every door, and data the database refuses past the doors: nothing
 * is retried forever, a conversation is never stuck, and no other conversation waits for it.
 */
let stack: Stack;
useStack((started) => (stack = started), { WEB_RATE_PER_IP: '1000' });

const nul = '\u0000';

async function widgetKey(): Promise<string> {
  return (await stack.db.selectFrom('tenants').select('widget_key').where('id', '=', 'default').executeTakeFirstOrThrow()).widget_key;
}

async function postJson(path: string, body: unknown, token?: string): Promise<Response> {
  return fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

async function bodiesOf(contactKey: string) {
  const rows = await stack.db
    .selectFrom('messages')
    .select(['author', 'body', 'status'])
    .where('conversation_id', '=', conversationWorkflowId({ tenantId: 'default', contactKey }))
    .orderBy('created_at')
    .execute();
  // A reply's status moves on as the channel reports; a customer's message is received or refused.
  return rows.map((r) => (r.author === 'customer' ? [r.author, r.body, r.status] : [r.author, r.body]));
}

describe('poison input', () => {
  it('takes an SMS whose body carries NUL characters without them, and answers it', async () => {
    const from = uniquePhone();
    const response = await stack.postSms(smsParams({ from, body: `Do you${nul} deliver?${nul}` }));
    expect(response.status).toBe(200);
    const [sent] = await stack.twilio.waitForSent(1);
    expect(sent?.body).toBe('echo: Do you deliver?');
    expect(await bodiesOf(from)).toEqual([
      ['customer', 'Do you deliver?', 'received'],
      ['ai', 'echo: Do you deliver?'],
    ]);
  });

  it('takes a chat message and a visitor name with NUL characters without them; a key or an id with one is a 4xx', async () => {
    const opened = await postJson('/api/chat/sessions', { widgetKey: await widgetKey(), name: `Ada${nul}` });
    expect(opened.status).toBe(201);
    const session = (await opened.json()) as { sessionId: string; token: string; visitor: { name: string } };
    expect(session.visitor.name).toBe('Ada');

    const chat = await postJson('/api/chat', { messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: `Any lamps?${nul}` }] }] }, session.token);
    expect(chat.status).toBe(200);
    expect(await chat.text()).toContain('"data-message"');
    const visitor = (await stack.db.selectFrom('web_sessions').select('visitor_id').where('id', '=', session.sessionId).executeTakeFirstOrThrow()).visitor_id;
    expect(await bodiesOf(`web:${visitor}`)).toEqual([
      ['customer', 'Any lamps?', 'received'],
      ['ai', 'echo: Any lamps?'],
    ]);

    const wrongKey = await postJson('/api/chat/sessions', { widgetKey: `${nul}${await widgetKey()}x` });
    expect(wrongKey.status).toBe(404);
    for (const path of [`/api/conversations/${encodeURIComponent(nul)}`, `/api/conversations?q=${encodeURIComponent(nul)}`, `/api/chat/sessions/x%00/messages`]) {
      const response = await stack.api(path);
      expect(response.status, path).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    }
  });

  it('keeps a message the database refuses as refused; that conversation and every other goes on', async () => {
    // Past the doors (a future door, a bug): straight to the workflows, 40 conversations each get a message the
    // database cannot store, then one more message.
    const conversations = createConversationClient(stack.temporal, stack.config);
    const poisoned = Array.from({ length: 40 }, () => uniquePhone());
    await Promise.all(
      poisoned.map((from) =>
        conversations.deliverInbound(
          { tenantId: 'default', contactKey: from },
          { providerMessageId: `SM${randomBytes(16).toString('hex')}`, channel: 'sms', from, to: '+15005550006', body: `bad${nul}byte`, media: [], receivedAt: new Date().toISOString() },
        ),
      ),
    );
    const [first = ''] = poisoned;
    await stack.postSms(smsParams({ from: first, body: 'Are you there?' }));
    const other = uniquePhone();
    await stack.postSms(smsParams({ from: other, body: 'Hello?' }));
    const sent = await stack.twilio.waitForSent(2);
    expect(sent.map((m) => m.body).sort()).toEqual(['echo: Are you there?', 'echo: Hello?']);
    await stack.settled(first);
    expect(await bodiesOf(first)).toEqual([
      ['customer', '', 'refused'],
      ['customer', 'Are you there?', 'received'],
      ['ai', 'echo: Are you there?'],
    ]);
    // None of them is left retrying.
    for (const from of poisoned) await stack.settled(from);
    const refused = await stack.db.selectFrom('messages').select('error_message').where('status', '=', 'refused').execute();
    expect(refused).toHaveLength(40);
    expect(refused[0]?.error_message).toContain('22021');
  });

  it('takes what the model writes without NUL characters too: a reply, and a handoff with its reason', async () => {
    const from = uniquePhone();
    stack.openai.script({ content: `We open at${nul} nine.` });
    await stack.postSms(smsParams({ from, body: 'When do you open?' }));
    const [reply] = await stack.twilio.waitForSent(1);
    expect(reply?.body).toBe('We open at nine.');
    await stack.settled(from);
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: `wants a refund${nul}` } }] });
    await stack.postSms(smsParams({ from, body: 'I want my money back' }));
    await stack.twilio.waitForSent(2);
    await expect.poll(async () => (await stack.db.selectFrom('handoff_tasks').select('reason').execute()).map((t) => t.reason), { timeout: 10_000 }).toEqual(['wants a refund']);
    const { status } = await stack.temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey: from })).describe();
    expect(status.name).toBe('RUNNING');
  });
});
