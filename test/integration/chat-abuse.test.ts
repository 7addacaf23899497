import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';
import { smsParams, type Stack, textsCodes, uniquePhone, useStack } from '../support/stack';

/**
 * A web chat used as an attacker would: to have the service text codes to many numbers or countries (SMS pumping),
 * to read a code from the inside instead of from the phone, and to make the API read huge bodies.
 */
let stack: Stack;
useStack((started) => (stack = started), { WEB_RATE_PER_IP: '1000', WEB_RATE_PER_SESSION: '1000' });

interface Session {
  sessionId: string;
  token: string;
  visitorToken: string;
}

async function openSession(tenantId = 'default', visitorToken?: string): Promise<Session> {
  const { widget_key: widgetKey } = await stack.db.selectFrom('tenants').select('widget_key').where('id', '=', tenantId).executeTakeFirstOrThrow();
  const response = await fetch(`${stack.apiUrl}/api/chat/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ widgetKey, visitorToken }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Session;
}

function post(session: Session, path: string, body: unknown): Promise<Response> {
  return fetch(`${stack.apiUrl}/api/chat/sessions/${session.sessionId}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Asks for a code to `phone`; the status and the error code of a refusal. */
async function askCode(session: Session, phone: string): Promise<[number, string | undefined]> {
  const response = await post(session, '/phone', { phone });
  const body = (await response.json()) as { error?: { code: string } };
  return [response.status, body.error?.code];
}

describe('texting codes (SMS pumping)', () => {
  it('texts at most 2 numbers for one chat, 3 for one visitor and 10 for one address in an hour', async () => {
    await textsCodes(stack.db);
    const visitor = await openSession();
    expect(await askCode(visitor, uniquePhone())).toEqual([202, undefined]);
    const mine = uniquePhone();
    expect(await askCode(visitor, mine)).toEqual([202, undefined]);
    // The same numbers again are no new numbers; a third one is.
    expect(await askCode(visitor, mine)).toEqual([202, undefined]);
    expect(await askCode(visitor, uniquePhone())).toEqual([429, 'too_many_numbers']);

    // The same visitor in a new chat: one more number, then no more.
    const again = await openSession('default', visitor.visitorToken);
    expect(await askCode(again, uniquePhone())).toEqual([202, undefined]);
    expect(await askCode(again, uniquePhone())).toEqual([429, 'too_many_numbers']);

    // New visitors from the same address: ten numbers in all from it, then no more.
    for (let texted = 3; texted < 10; texted += 1) expect(await askCode(await openSession(), uniquePhone())).toEqual([202, undefined]);
    const refused = await post(await openSession(), '/phone', { phone: uniquePhone() });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
    // Eleven codes went out: to ten numbers, one of them twice.
    await expect.poll(() => stack.twilio.sent.length).toBe(11);
  });

  it("keeps to the tenant's hourly budget and to the countries it texts (by default its own number's)", async () => {
    await textsCodes(stack.db, 'default', { code_countries: [], codes_per_hour: 3 });
    // Its own number is American: a Canadian or a Jamaican number (both +1) gets no code.
    expect(await askCode(await openSession(), '+16045550142')).toEqual([422, 'country_not_allowed']);
    expect(await askCode(await openSession(), '+18765550142')).toEqual([422, 'country_not_allowed']);
    await textsCodes(stack.db, 'default', { code_countries: ['CA'], codes_per_hour: 3 });
    expect(await askCode(await openSession(), '+12125550142')).toEqual([422, 'country_not_allowed']);
    for (let i = 0; i < 3; i += 1) expect(await askCode(await openSession(), uniquePhone())).toEqual([202, undefined]);
    expect(await askCode(await openSession(), uniquePhone())).toEqual([429, 'codes_unavailable']);
    await expect.poll(() => stack.twilio.sent.length).toBe(3);
    // A tenant that texts no codes at all, before it sent any.
    await stack.db.deleteFrom('phone_code_tries').execute();
    await textsCodes(stack.db, 'default', { codes_per_hour: 0 });
    expect(await askCode(await openSession(), uniquePhone())).toEqual([429, 'codes_unavailable']);
  });

  it('texts one number at most 5 codes an hour, whichever tenants ask', async () => {
    await stack.db.insertInto('tenants').values({ id: 'other-shop', name: 'Other shop', system_prompt: '' }).execute();
    await textsCodes(stack.db);
    await textsCodes(stack.db, 'other-shop');
    const phone = uniquePhone();
    for (const tenant of ['default', 'default', 'default', 'other-shop', 'other-shop']) expect(await askCode(await openSession(tenant), phone)).toEqual([202, undefined]);
    expect(await askCode(await openSession('other-shop'), phone)).toEqual([429, 'too_many_codes']);
    await expect.poll(() => stack.twilio.sent.length).toBe(5);
  });
});

describe('a code from the inside', () => {
  it('is kept nowhere: not in the messages agents read, not in the workflow history', async () => {
    await textsCodes(stack.db);
    const phone = uniquePhone();
    const session = await openSession();
    expect(await askCode(session, phone)).toEqual([202, undefined]);
    const [sms] = await stack.twilio.waitForSent(1);
    const code = /is (\d{6})\./.exec(sms?.body ?? '')?.[1] ?? '';
    expect(code).toMatch(/^\d{6}$/);

    const conversationId = conversationWorkflowId({ tenantId: 'default', contactKey: phone });
    await stack.settled(phone);
    const response = await stack.api(`/api/conversations/${encodeURIComponent(conversationId)}/messages`);
    const { messages } = (await response.json()) as { messages: { body: string }[] };
    expect(messages.map((m) => m.body)).toEqual(['Your chat code is ••••••. It expires in 10 minutes.']);
    const stored = await stack.db.selectFrom('messages').select('body').execute();
    expect(stored.filter((m) => m.body.includes(code))).toEqual([]);
    const history = await stack.temporal.workflow.getHandle(conversationId).fetchHistory();
    // Payloads as the Temporal UI shows them: decoded.
    const readable = JSON.stringify(history, (key, value: unknown) => (key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString() : value));
    expect(readable).toContain('codeId');
    expect(readable).not.toContain('chat code is');
    expect(readable).not.toContain(`"${code}"`);

    // The code itself, typed back, still links the number.
    const linked = await post(session, '/phone/verify', { code });
    expect(linked.status).toBe(200);
  });
});

describe('what a visitor learns of a number', () => {
  it('is not whether its owner opted out', async () => {
    await textsCodes(stack.db);
    const phone = uniquePhone();
    await stack.postSms(smsParams({ from: phone, body: 'STOP' }));
    await stack.settled(phone);
    const response = await post(await openSession(), '/phone', { phone });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ error: { code: 'not_sent', message: 'the code could not be sent to this number' } });
  });
});

describe('live streams', () => {
  it('keeps at most 3 of one chat open at once', async () => {
    const session = await openSession();
    const open = () => {
      const controller = new AbortController();
      const response = fetch(`${stack.apiUrl}/api/chat/sessions/${session.sessionId}/events`, {
        headers: { authorization: `Bearer ${session.token}` },
        signal: controller.signal,
      });
      return { response, close: () => controller.abort() };
    };
    const streams = [open(), open(), open()];
    for (const stream of streams) expect((await stream.response).status).toBe(200);
    const fourth = await open().response;
    expect(fourth.status).toBe(429);
    expect(((await fourth.json()) as { error: { code: string } }).error.code).toBe('too_many_streams');
    // One closes: a slot is free again.
    streams[0]?.close();
    await expect
      .poll(
        async () => {
          const next = open();
          const status = (await next.response).status;
          next.close();
          return status;
        },
        { timeout: 10_000 },
      )
      .toBe(200);
    for (const stream of streams) stream.close();
  });
});

describe('request bodies', () => {
  it('refuses a declared body over the limit with 413 before reading it', async () => {
    const session = await openSession();
    // 200 MB announced, 10 bytes sent: the answer comes without the rest.
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${stack.apiUrl}/api/chat/sessions/${session.sessionId}/phone`);
      const sending = request(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json', 'content-length': String(200 * 1024 * 1024) },
      });
      sending.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
        sending.destroy();
      });
      sending.on('error', reject);
      sending.write('{"phone":"');
    });
    expect(status).toBe(413);
  });

  it('cuts off an undeclared body at the limit, and finds the session before parsing a body', async () => {
    const session = await openSession();
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sentChunks = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sentChunks += 1;
        if (sentChunks > 1000) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const streamed = await fetch(`${stack.apiUrl}/api/chat/sessions/${session.sessionId}/phone/verify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: endless,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(sentChunks).toBeLessThan(1000);

    // No session, no parsing: a malformed body from no one is a 401, not a 400.
    const stranger = await fetch(`${stack.apiUrl}/api/chat/sessions/${session.sessionId}/phone`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-a-token', 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(stranger.status).toBe(401);
    const elsewhere = await post(await openSession(), '/phone', { phone: 'not json either' });
    expect(elsewhere.status).toBe(400);
  });
});
