import { WorkflowNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { ingestDocument, textDocument } from '../../activities/knowledge/ingest-document';
import { conversationWorkflowId } from '../../api/conversation-client';
import { snapshotQuery } from '../../workflows/definitions';

import { smsParams, uniquePhone, type Stack, useStack } from '../support/stack';

let stack: Stack;
useStack((started) => (stack = started));

async function messagesOf(conversationId: string) {
  const response = await stack.api(`/api/conversations/${encodeURIComponent(conversationId)}/messages`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { messages: { direction: string; author: string; body: string; channel: string; providerMessageId: string | null; status: string }[] }).messages;
}

describe('SMS and WhatsApp conversations', () => {
  it('answers a signed SMS webhook with exactly one message from the LLM to the sender', async () => {
    const from = uniquePhone();
    const response = await stack.postSms(smsParams({ from, body: 'Do you deliver on Sundays?' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/xml');
    expect(await response.text()).toContain('<Response/>');

    const [sent] = await stack.twilio.waitForSent(1);
    expect(sent).toMatchObject({ to: from, from: '+15005550006', body: 'echo: Do you deliver on Sundays?' });
    // Nothing more goes out once the turn is over.
    await stack.settled(from);
    expect(stack.twilio.sent).toHaveLength(1);
    expect(stack.openai.requests).toHaveLength(1);

    const conversationId = conversationWorkflowId({ tenantId: 'default', contactKey: from });
    const list = (await (await stack.api('/api/conversations')).json()) as { conversations: { id: string; messageCount: number }[] };
    expect(list.conversations).toEqual([expect.objectContaining({ id: conversationId, messageCount: 2 })]);
    const messages = await messagesOf(conversationId);
    expect(messages.map((m) => [m.direction, m.author, m.body])).toEqual([
      ['inbound', 'customer', 'Do you deliver on Sundays?'],
      ['outbound', 'ai', 'echo: Do you deliver on Sundays?'],
    ]);
    expect(messages[1]?.providerMessageId).toBe(sent?.sid);
    expect(messages[1]?.status).toBe('queued');
  });

  it('replies to WhatsApp on WhatsApp, and keeps SMS and WhatsApp from one number in one conversation', async () => {
    const phone = uniquePhone();
    await stack.postSms(smsParams({ from: `whatsapp:${phone}`, to: 'whatsapp:+15005550006', body: 'hola' }));
    const [first] = await stack.twilio.waitForSent(1);
    expect(first).toMatchObject({ to: `whatsapp:${phone}`, from: 'whatsapp:+15005550006', body: 'echo: hola' });

    await stack.postSms(smsParams({ from: phone, body: 'now by text' }));
    const [, second] = await stack.twilio.waitForSent(2);
    expect(second).toMatchObject({ to: phone, from: '+15005550006', body: 'echo: now by text' });

    const conversationId = conversationWorkflowId({ tenantId: 'default', contactKey: phone });
    const messages = await messagesOf(conversationId);
    expect(messages.map((m) => [m.channel, m.body])).toEqual([
      ['whatsapp', 'hola'],
      ['whatsapp', 'echo: hola'],
      ['sms', 'now by text'],
      ['sms', 'echo: now by text'],
    ]);
    // The second turn saw the first exchange: one context across channels.
    const lastPrompt = stack.openai.requests.at(-1)?.messages.map((m) => m.content);
    expect(lastPrompt).toEqual(expect.arrayContaining(['hola', 'echo: hola', 'now by text']));
    const conversations = await stack.db.selectFrom('conversations').select('id').execute();
    expect(conversations).toEqual([{ id: conversationId }]);
  });

  it('answers a burst of messages with one LLM call holding all of them', async () => {
    const from = uniquePhone();
    for (const body of ['hi', 'I ordered a lamp', 'it arrived broken']) {
      expect((await stack.postSms(smsParams({ from, body }))).status).toBe(200);
    }
    const [reply] = await stack.twilio.waitForSent(1);
    expect(reply?.body).toBe('echo: it arrived broken');
    await stack.settled(from);
    expect(stack.twilio.sent).toHaveLength(1);
    expect(stack.openai.requests).toHaveLength(1);
    const users = stack.openai.requests[0]?.messages.filter((m) => m.role === 'user').map((m) => m.content);
    expect(users).toEqual(['hi', 'I ordered a lamp', 'it arrived broken']);
  });

  it('gives a webhook delivered twice one record and one reply', async () => {
    const from = uniquePhone();
    const params = smsParams({ from, body: 'only once please' });
    expect((await stack.postSms(params)).status).toBe(200);
    expect((await stack.postSms(params)).status).toBe(200);
    await stack.twilio.waitForSent(1);
    await stack.settled(from);
    expect(stack.twilio.sent).toHaveLength(1);
    const inbound = await stack.db.selectFrom('messages').select('id').where('direction', '=', 'inbound').execute();
    expect(inbound).toHaveLength(1);
  });

  it('runs the knowledge tool as its own step and answers with its result', async () => {
    await ingestDocument(stack.db, null, textDocument('default', { title: 'Opening hours', body: 'We are open Monday to Friday from 9am to 6pm.' }));
    stack.openai.script({ toolCalls: [{ name: 'search_knowledge', arguments: { query: 'opening hours' } }] });
    stack.openai.respond = (request) => {
      const tool = request.messages.find((m) => m.role === 'tool');
      return { content: `From our docs: ${tool?.content ?? 'nothing'}` };
    };
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'When are you open?' }));
    const [reply] = await stack.twilio.waitForSent(1);
    expect(reply?.body).toContain('9am to 6pm');
    expect(stack.openai.requests).toHaveLength(2);
    expect(stack.openai.requests[0]?.tools?.map((t) => t.function.name)).toEqual(['search_knowledge', 'handoff_to_human']);

    const history = await stack.temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey: from })).fetchHistory();
    const scheduled = (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name)
      .filter(Boolean);
    expect(scheduled).toEqual(['generateReply', 'runReadTool', 'generateReply', 'sendMessage']);
    // Recording runs as a local activity inside the workflow task: a marker, not a scheduled activity.
    const markers = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    expect(markers).toHaveLength(1);
  });

  it('keeps the search attributes and the snapshot current for operators', async () => {
    const from = uniquePhone();
    await stack.postSms(smsParams({ from: `whatsapp:${from}`, to: 'whatsapp:+15005550006', body: 'hello' }));
    await stack.twilio.waitForSent(1);
    const handle = stack.temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey: from }));
    const attributes = (await handle.describe()).searchAttributes;
    expect(attributes).toMatchObject({
      TenantId: ['default'],
      ContactKey: [from],
      Channel: ['whatsapp'],
      ConversationMode: ['ai'],
    });
    const snapshot = await handle.query(snapshotQuery);
    expect(snapshot).toMatchObject({ mode: 'ai', pendingCount: 0, turns: 1, lastChannel: 'whatsapp' });
  });

  it('records and answers messages from unlisted number ranges, short codes and alphanumeric senders', async () => {
    for (const from of ['+15550123', '72975', 'ACME Bank']) {
      const response = await stack.postSms(smsParams({ from, body: `hello from ${from}` }));
      expect(response.status, from).toBe(200);
      await stack.settled(from);
    }
    expect(stack.twilio.sent.map((m) => [m.to, m.body])).toEqual([
      ['+15550123', 'echo: hello from +15550123'],
      ['72975', 'echo: hello from 72975'],
      ['ACME Bank', 'echo: hello from ACME Bank'],
    ]);
    const rows = await stack.db.selectFrom('conversations').select(['id', 'contact_key']).orderBy('created_at').execute();
    expect(rows.map((r) => r.contact_key)).toEqual(['+15550123', '72975', 'ACME Bank']);
  });

  it('sends nothing twice when Twilio fails with 500 and then accepts', async () => {
    stack.twilio.failNext(2, { status: 500, code: 20500, message: 'Internal Server Error' });
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'are you there?' }));
    const [reply] = await stack.twilio.waitForSent(1, 30_000);
    expect(reply?.to).toBe(from);
    await stack.settled(from);
    expect(stack.twilio.sent).toHaveLength(1);
    expect(stack.twilio.attempts).toBe(3);
  });
});

describe('webhook rejections', () => {
  it('refuses a bad signature with 403 and starts no workflow', async () => {
    const from = uniquePhone();
    const response = await stack.postSms(smsParams({ from, body: 'forged' }), { signature: 'bm90IGEgc2lnbmF0dXJl' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: 'signature_invalid', message: expect.any(String) } });
    await expect(stack.temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey: from })).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    expect(await stack.db.selectFrom('messages').select('id').execute()).toEqual([]);
  });

  it('refuses malformed, oversized and unknown-number webhooks with JSON errors', async () => {
    const from = uniquePhone();
    const missingSid = smsParams({ from, body: 'x' });
    delete missingSid.MessageSid;
    const malformed = await stack.postSms(missingSid);
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('invalid_webhook');

    const notANumber = await stack.postSms(smsParams({ from: 'client:nobody', body: 'x' }));
    expect(notANumber.status).toBe(400);

    const oversized = await stack.postSms(smsParams({ from, body: 'x'.repeat(70_000) }));
    expect(oversized.status).toBe(413);
    expect(((await oversized.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');

    await stack.db.insertInto('tenants').values({ id: 'acme', name: 'Acme', system_prompt: '' }).execute();
    await stack.db.insertInto('phone_numbers').values({ number: '+15005550001', tenant_id: 'acme' }).execute();
    const unknown = await stack.postSms(smsParams({ from, body: 'x', to: '+15005550009' }));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('unknown_number');

    await expect(stack.temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey: from })).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    expect(await stack.db.selectFrom('messages').select('id').execute()).toEqual([]);
  });
});
