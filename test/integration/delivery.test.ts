import { describe, expect, it } from 'vitest';
import { signedForm } from '../../devkit/twilio-signing';
import { conversationWorkflowId } from '../../api/conversation-client';

import { acceptThenDrop } from '../fakes/twilio';
import { keepHistory } from '../support/histories';
import { publicBaseUrl, smsParams, uniquePhone, type Stack, useStack } from '../support/stack';

let stack: Stack;
useStack((started) => (stack = started));

function postStatus(params: Record<string, string>, signature?: string) {
  const path = '/webhooks/twilio/status';
  const { headers, body } = signedForm(`${publicBaseUrl}${path}`, stack.twilio.authToken, params);
  if (signature !== undefined) headers['x-twilio-signature'] = signature;
  return fetch(`${stack.apiUrl}${path}`, { method: 'POST', headers, body });
}

async function outbound(from: string) {
  return stack.db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationWorkflowId({ tenantId: 'default', contactKey: from }))
    .where('direction', '=', 'outbound')
    .orderBy('created_at')
    .execute();
}

describe('delivery status', () => {
  it('asks Twilio for callbacks and only ever moves a status forward, whatever order they arrive in', async () => {
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'hello' }));
    const [sent] = await stack.twilio.waitForSent(1);
    expect(sent?.statusCallback).toBe(`${publicBaseUrl}/webhooks/twilio/status`);
    const sid = sent?.sid ?? '';
    await stack.settled(from);

    for (const status of ['delivered', 'sent', 'queued', 'sending']) {
      const response = await postStatus({ MessageSid: sid, MessageStatus: status, AccountSid: stack.twilio.accountSid });
      expect(response.status).toBe(204);
    }
    expect((await outbound(from))[0]?.status).toBe('delivered');
    // A later final state does not overwrite the first one; WhatsApp "read" still moves forward.
    await postStatus({ MessageSid: sid, MessageStatus: 'failed', ErrorCode: '30003' });
    expect((await outbound(from))[0]?.status).toBe('delivered');
    await postStatus({ MessageSid: sid, MessageStatus: 'read' });
    expect((await outbound(from))[0]?.status).toBe('read');
  });

  it('keeps the error code of a failed delivery, and applies a callback that arrives before the send is stored', async () => {
    const early = `SM${'e'.repeat(32)}`;
    expect((await postStatus({ MessageSid: early, MessageStatus: 'undelivered', ErrorCode: '30005' })).status).toBe(204);
    const from = uniquePhone();
    const conversationId = conversationWorkflowId({ tenantId: 'default', contactKey: from });
    await stack.db
      .insertInto('conversations')
      .values({ id: conversationId, tenant_id: 'default', contact_key: from, last_channel: 'sms', last_message_at: new Date() })
      .execute();
    await stack.db
      .insertInto('messages')
      .values({ id: 'out:early', conversation_id: conversationId, tenant_id: 'default', direction: 'outbound', author: 'ai', channel: 'sms', from_address: '+15005550006', to_address: from, body: 'x', provider_message_id: early, status: 'queued' })
      .execute();
    const { applyDeliveryEvents } = await import('../../db/repositories/delivery');
    await applyDeliveryEvents(stack.db, early);
    const row = await stack.db.selectFrom('messages').selectAll().where('id', '=', 'out:early').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'undelivered', error_code: '30005' });
  });

  it('refuses unsigned and malformed callbacks', async () => {
    const sid = `SM${'a'.repeat(32)}`;
    expect((await postStatus({ MessageSid: sid, MessageStatus: 'sent' }, 'forged')).status).toBe(403);
    const unknown = await postStatus({ MessageSid: sid, MessageStatus: 'teleported' });
    expect(unknown.status).toBe(400);
    expect(await stack.db.selectFrom('delivery_events').selectAll().execute()).toEqual([]);
  });
});

describe('opt-out', () => {
  it('STOP opts the contact out of that channel: recorded, no model turn, no reply, until START', async () => {
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'Stop' }));
    await stack.settled(from);
    expect(stack.openai.requests).toHaveLength(0);
    expect(stack.twilio.sent).toHaveLength(0);
    expect(await stack.db.selectFrom('opt_outs').select(['contact_key', 'channel', 'reason']).execute()).toEqual([
      { contact_key: from, channel: 'sms', reason: 'STOP' },
    ]);

    await stack.postSms(smsParams({ from, body: 'are you still there?' }));
    await stack.settled(from);
    expect(stack.twilio.sent).toHaveLength(0);
    expect(stack.openai.requests).toHaveLength(0);

    // WhatsApp is another channel: still answered.
    await stack.postSms(smsParams({ from: `whatsapp:${from}`, to: 'whatsapp:+15005550006', body: 'hi on whatsapp' }));
    await stack.twilio.waitForSent(1);
    expect(stack.twilio.sent[0]?.to).toBe(`whatsapp:${from}`);

    await stack.postSms(smsParams({ from, body: 'START' }));
    await stack.postSms(smsParams({ from, body: 'back again' }));
    const sent = await stack.twilio.waitForSent(2);
    expect(sent[1]).toMatchObject({ to: from, body: 'echo: back again' });
    expect(await stack.db.selectFrom('opt_outs').selectAll().execute()).toEqual([]);
    const inbound = await stack.db.selectFrom('messages').select('body').where('direction', '=', 'inbound').orderBy('created_at').execute();
    expect(inbound.map((m) => m.body)).toEqual(['Stop', 'are you still there?', 'hi on whatsapp', 'START', 'back again']);
    await stack.settled(from);
    await keepHistory('stop-start', stack.temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey: from })));
  });

  it('HELP gets the tenant help text without a model turn', async () => {
    await stack.db.updateTable('tenants').set({ texts: JSON.stringify({ help: 'Acme support: reply with a question. STOP to opt out.' }) }).where('id', '=', 'default').execute();
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'help' }));
    const [sent] = await stack.twilio.waitForSent(1);
    expect(sent).toMatchObject({ to: from, body: 'Acme support: reply with a question. STOP to opt out.' });
    await stack.settled(from);
    expect(stack.openai.requests).toHaveLength(0);
    await stack.db.updateTable('tenants').set({ texts: '{}' }).where('id', '=', 'default').execute();
  });

  it("Twilio's 21610 marks the contact opted out, and later sends are refused before reaching Twilio", async () => {
    stack.twilio.failNext(1, { status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'hello?' }));
    await stack.settled(from);
    expect(stack.twilio.attempts).toBe(1);
    const [failed] = await outbound(from);
    expect(failed).toMatchObject({ status: 'failed', error_code: '21610' });
    expect(failed?.error_message).toContain('unsubscribed');
    expect(await stack.db.selectFrom('opt_outs').select('reason').execute()).toEqual([{ reason: 'twilio:21610' }]);

    // Twilio's word counts like the customer's STOP: no model turn for the next message.
    await stack.postSms(smsParams({ from, body: 'hello again?' }));
    await stack.settled(from);
    expect(stack.openai.requests).toHaveLength(1);
    expect(await outbound(from)).toHaveLength(1);
    // And a delivery the service would make anyway (HELP) is refused before it reaches Twilio.
    await stack.postSms(smsParams({ from, body: 'HELP' }));
    await stack.settled(from);
    expect(stack.twilio.attempts).toBe(1);
    expect((await outbound(from))[1]).toMatchObject({ status: 'failed', error_code: 'opted_out' });
  });
});

describe('send rules', () => {
  it('sends once when Twilio accepted a message but its answer was lost: the retry finds it in the Messages list', async () => {
    stack.twilio.failNext(1, acceptThenDrop);
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'did you get this?' }));
    await stack.settled(from);
    expect(stack.twilio.sent.map((m) => m.body)).toEqual(['echo: did you get this?']);
    expect(stack.twilio.attempts).toBe(1);
    expect(stack.twilio.lists).toBe(1);
    const [row] = await outbound(from);
    expect(row).toMatchObject({ provider_message_id: stack.twilio.sent[0]?.sid, status: 'queued' });

    // The next reply to the same person, with the same words, is a new message: the earlier one is claimed.
    stack.twilio.failNext(1, acceptThenDrop);
    await stack.postSms(smsParams({ from, body: 'did you get this?' }));
    await stack.settled(from);
    expect(stack.twilio.sent.map((m) => m.body)).toEqual(['echo: did you get this?', 'echo: did you get this?']);
    const rows = await outbound(from);
    expect(rows.map((r) => r.provider_message_id)).toEqual(stack.twilio.sent.map((m) => m.sid));
  });

  it('records a final Twilio rejection with a readable reason, does not retry it, and carries on', async () => {
    stack.twilio.failNext(1, { status: 400, code: 21211, message: "The 'To' number is not a valid phone number." });
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'first' }));
    await stack.settled(from);
    expect(stack.twilio.attempts).toBe(1);
    const [failed] = await outbound(from);
    expect(failed).toMatchObject({ status: 'failed', error_code: '21211' });
    expect(failed?.error_message).toMatch(/^the number is not a valid phone number \(Twilio 21211/);

    await stack.postSms(smsParams({ from, body: 'second' }));
    const [sent] = await stack.twilio.waitForSent(1);
    expect(sent?.body).toBe('echo: second');
  });

  it('splits a reply over 1600 characters into ordered parts', async () => {
    const long = Array.from({ length: 80 }, (_, i) => `Sentence number ${i} of a long and careful answer.`).join(' ');
    stack.openai.script({ content: long });
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'tell me everything' }));
    const parts = await stack.twilio.waitForSent(3);
    await stack.settled(from);
    expect(stack.twilio.sent).toHaveLength(3);
    expect(parts.every((p) => p.body.length <= 1600)).toBe(true);
    expect(parts.map((p) => p.body).join(' ')).toBe(long);
    expect((await outbound(from)).map((m) => m.id)).toEqual(expect.arrayContaining([expect.stringMatching(/#1$/), expect.stringMatching(/#3$/)]));
  });
});
