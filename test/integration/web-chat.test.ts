import { DefaultChatTransport, readUIMessageStream, type UIMessage } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';
import { defaultServiceTexts } from '../../domain/texts';
import { echoReply } from '../fakes/openai';
import { keepHistory } from '../support/histories';
import { smsParams, startStack, textsCodes, uniquePhone, type Stack, useStack } from '../support/stack';

/**
 * Web chat through the AI SDK's own client: the `ai` package's DefaultChatTransport posts what `useChat` posts, and
 * readUIMessageStream rebuilds the reply from the UI message stream, as a React app would, with no React.
 */
let stack: Stack;
// Every visitor here comes from 127.0.0.1: the per-address limit is tested on its own stack below.
useStack((started) => (stack = started), { WEB_RATE_PER_IP: '1000' });

interface Session {
  sessionId: string;
  token: string;
  visitorToken: string;
}

async function widgetKey(): Promise<string> {
  return (await stack.db.selectFrom('tenants').select('widget_key').where('id', '=', 'default').executeTakeFirstOrThrow()).widget_key;
}

async function openSession(body: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${stack.apiUrl}/api/chat/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ widgetKey: await widgetKey(), ...body }),
  });
}

function transport(session: Session) {
  return new DefaultChatTransport({ api: `${stack.apiUrl}/api/chat`, headers: { authorization: `Bearer ${session.token}` } });
}

/** Sends `text` as the AI SDK does and returns the reply message it rebuilds, with how many text deltas made it. */
async function send(session: Session, history: UIMessage[], id: string, text: string) {
  const messages: UIMessage[] = [...history, { id, role: 'user', parts: [{ type: 'text', text }] }];
  const chunks = await transport(session).sendMessages({ chatId: session.sessionId, trigger: 'submit-message', messageId: undefined, messages, abortSignal: undefined });
  const [forParts, forMessage] = chunks.tee();
  let deltas = 0;
  const counting = (async () => {
    const reader = forParts.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value.type === 'text-delta') deltas += 1;
    }
  })();
  let reply: UIMessage | undefined;
  for await (const message of readUIMessageStream({ stream: forMessage })) reply = message;
  await counting;
  return { reply, deltas, messages };
}

const textOf = (message: UIMessage | undefined) => (message?.parts ?? []).flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');

describe('web chat with the AI SDK client', () => {
  it('answers each message as a streamed UI message, in one conversation per visitor', async () => {
    const response = await openSession({ name: 'Ada' });
    expect(response.status).toBe(201);
    const session = (await response.json()) as Session;
    expect(session.sessionId).toMatch(/^ws/);

    stack.openai.tokenDelayMs = 10;
    const first = await send(session, [], 'u1', 'Do you sell lamps?');
    expect(textOf(first.reply)).toBe('echo: Do you sell lamps?');
    expect(first.reply?.role).toBe('assistant');
    expect(first.deltas).toBeGreaterThan(1);

    const second = await send(session, [...first.messages, first.reply as UIMessage], 'u2', 'And shades?');
    expect(textOf(second.reply)).toBe('echo: And shades?');
    const turn = stack.openai.requests.find((r) => r.messages.at(-1)?.content === 'And shades?');
    expect(turn?.messages.map((m) => m.content)).toEqual(expect.arrayContaining(['Do you sell lamps?', 'echo: Do you sell lamps?']));

    const visitor = (await stack.db.selectFrom('web_sessions').select('visitor_id').where('id', '=', session.sessionId).executeTakeFirstOrThrow()).visitor_id;
    const conversationId = conversationWorkflowId({ tenantId: 'default', contactKey: `web:${visitor}` });
    const rows = await stack.db
      .selectFrom('messages')
      .select(['author', 'channel', 'body'])
      .where('conversation_id', '=', conversationId)
      .orderBy('created_at')
      .execute();
    expect(rows).toEqual([
      { author: 'customer', channel: 'web', body: 'Do you sell lamps?' },
      { author: 'ai', channel: 'web', body: 'echo: Do you sell lamps?' },
      { author: 'customer', channel: 'web', body: 'And shades?' },
      { author: 'ai', channel: 'web', body: 'echo: And shades?' },
    ]);
  });

  it('keeps the history with the visitor across sessions, and resumes nothing when no reply is being written', async () => {
    const first = (await (await openSession()).json()) as Session;
    await send(first, [], 'a1', 'My order is 4417.');
    const next = (await (await openSession({ visitorToken: first.visitorToken })).json()) as Session;
    expect(next.sessionId).not.toBe(first.sessionId);
    expect(next.visitorToken).toBe(first.visitorToken);
    await send(next, [], 'b1', 'Any news?');
    const turn = stack.openai.requests.find((r) => r.messages.at(-1)?.content === 'Any news?');
    expect(turn?.messages.map((m) => m.content)).toEqual(expect.arrayContaining(['My order is 4417.']));
    expect(await transport(next).reconnectToStream({ chatId: next.sessionId })).toBeNull();
  });

  it('answers a message sent while the last reply is being written once, with both in view', async () => {
    const session = (await (await openSession()).json()) as Session;
    const visitor = (await stack.db.selectFrom('web_sessions').select('visitor_id').where('id', '=', session.sessionId).executeTakeFirstOrThrow()).visitor_id;
    const conversation = conversationWorkflowId({ tenantId: 'default', contactKey: `web:${visitor}` });
    // The reply to the first message is held back until the second message is recorded, then written at once: it
    // would finish before its activity hears at its next heartbeat that it was cancelled.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    stack.openai.respond = (request) => ({ ...echoReply(request), ...(request.messages.at(-1)?.content === 'I ordered a lamp' ? { until: held } : {}) });
    const first = send(session, [], 'd1', 'I ordered a lamp');
    await expect.poll(() => stack.openai.requests.some((r) => r.messages.at(-1)?.content === 'I ordered a lamp'), { timeout: 10_000 }).toBe(true);
    const second = send(session, [], 'd2', 'and a shade');
    const recorded = () => stack.db.selectFrom('messages').select('id').where('conversation_id', '=', conversation).where('body', '=', 'and a shade').execute();
    await expect.poll(async () => (await recorded()).length, { timeout: 10_000 }).toBe(1);
    // The first request ends as soon as the workflow has the second message; only then is its reply let go.
    await first;
    release();
    await second;
    await stack.settled(`web:${visitor}`);
    const replies = await stack.db.selectFrom('messages').select('body').where('conversation_id', '=', conversation).where('author', '=', 'ai').execute();
    expect(replies).toEqual([{ body: 'echo: and a shade' }]);
    expect(textOf((await second).reply)).toBe('echo: and a shade');
    // The superseded request ends without a reply of its own.
    expect(textOf((await first).reply)).toBe('');
    const turn = [...stack.openai.requests].reverse().find((r) => r.messages.at(-1)?.content === 'and a shade');
    expect(turn?.messages.map((m) => m.content)).toContain('I ordered a lamp');
    await keepHistory('web-superseded', stack.temporal.workflow.getHandle(conversation));
  });

  it('hands the visitor to a person with the service text and a handoff part', async () => {
    const session = (await (await openSession()).json()) as Session;
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'wants a person' } }] });
    const { reply } = await send(session, [], 'h1', 'A person please');
    expect(textOf(reply)).toBe(defaultServiceTexts.handoffAck);
    expect(reply?.parts).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'data-handoff', data: { state: 'open' } })]));
    // The task is written once the turn that opened it has answered.
    const tasks = async () => ((await (await stack.api('/api/handoffs')).json()) as { handoffs: { channel: string; reason: string }[] }).handoffs;
    await expect.poll(tasks, { timeout: 10_000 }).toEqual([expect.objectContaining({ channel: 'web', reason: 'wants a person' })]);
  });

  it('carries the buttons the model asks for as data parts, kept with the reply in the history', async () => {
    const session = (await (await openSession()).json()) as Session;
    const listing = 'https://homes.example.com/listings/12';
    // Asked for alongside the text: one round. Unsafe links and overlong labels never reach the visitor.
    stack.openai.script({
      content: 'The flat on Elm Street is still available.',
      toolCalls: [
        {
          name: 'show_options',
          arguments: {
            quick_replies: ['Book a viewing', 'Other flats', 'x'.repeat(80)],
            actions: [{ label: 'See the listing', url: listing }, { label: 'Run me', url: 'javascript:alert(1)' }],
          },
        },
      ],
    });
    const { reply, messages } = await send(session, [], 'o1', 'Is the Elm Street flat free?');
    expect(textOf(reply)).toBe('The flat on Elm Street is still available.');
    expect(reply?.parts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'data-quick-replies', data: { replies: ['Book a viewing', 'Other flats'] } }),
        expect.objectContaining({ type: 'data-actions', data: { actions: [{ label: 'See the listing', url: listing }] } }),
      ]),
    );
    expect(stack.openai.requests.at(-1)?.tools?.map((t) => t.function.name)).toContain('show_options');

    // Asked for on their own: the model is told they will show, writes the text next, and the reply carries them.
    stack.openai.script({ toolCalls: [{ name: 'show_options', arguments: { quick_replies: ['Tomorrow', 'Saturday'] } }] }, { content: 'When would suit you?' });
    const second = await send(session, [...messages, reply as UIMessage], 'o2', 'Book a viewing');
    expect(textOf(second.reply)).toBe('When would suit you?');
    expect(second.reply?.parts).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'data-quick-replies', data: { replies: ['Tomorrow', 'Saturday'] } })]));
    expect(second.reply?.parts.some((p) => p.type === 'data-actions')).toBe(false);

    const history = (await (
      await fetch(`${stack.apiUrl}/api/chat/sessions/${session.sessionId}/messages`, { headers: { authorization: `Bearer ${session.token}` } })
    ).json()) as { messages: { author: string; text: string; options: unknown }[] };
    expect(history.messages.filter((m) => m.author === 'ai')).toEqual([
      expect.objectContaining({ options: { quickReplies: ['Book a viewing', 'Other flats'], actions: [{ label: 'See the listing', url: listing }] } }),
      expect.objectContaining({ text: 'When would suit you?', options: { quickReplies: ['Tomorrow', 'Saturday'], actions: [] } }),
    ]);
    const visitor = (await stack.db.selectFrom('web_sessions').select('visitor_id').where('id', '=', session.sessionId).executeTakeFirstOrThrow()).visitor_id;
    await keepHistory('web-buttons', stack.temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey: `web:${visitor}` })));
  });

  it('keeps what the model wrote before looking something up: the visitor sees and the history holds one reply', async () => {
    const session = (await (await openSession()).json()) as Session;
    stack.openai.script({ content: 'Let me check.', toolCalls: [{ name: 'search_knowledge', arguments: { query: 'opening hours' } }] });
    const { reply } = await send(session, [], 'k1', 'When are you open?');
    expect(textOf(reply)).toBe('Let me check. echo: When are you open?');
    const visitor = (await stack.db.selectFrom('web_sessions').select('visitor_id').where('id', '=', session.sessionId).executeTakeFirstOrThrow()).visitor_id;
    const rows = await stack.db
      .selectFrom('messages')
      .select('body')
      .where('conversation_id', '=', conversationWorkflowId({ tenantId: 'default', contactKey: `web:${visitor}` }))
      .where('author', '=', 'ai')
      .execute();
    expect(rows).toEqual([{ body: 'Let me check. echo: When are you open?' }]);
  });

  it('never offers buttons on a text channel', async () => {
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'Hello there' }));
    await stack.settled(from);
    const request = stack.openai.requests.find((r) => r.messages.at(-1)?.content === 'Hello there');
    expect(request?.tools?.map((t) => t.function.name)).toEqual(['search_knowledge', 'handoff_to_human']);
  });

  it('refuses what it should: unknown keys, foreign sites, missing or expired tokens, empty messages', async () => {
    expect((await openSession({ widgetKey: 'wk_nope' })).status).toBe(404);
    await stack.db.updateTable('tenants').set({ allowed_origins: ['https://shop.example.com'] }).where('id', '=', 'default').execute();
    const foreign = await openSession({}, { origin: 'https://copycat.example.net' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');
    const allowed = await openSession({}, { origin: 'https://shop.example.com' });
    expect(allowed.status).toBe(201);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    await stack.db.updateTable('tenants').set({ allowed_origins: [] }).where('id', '=', 'default').execute();

    const post = (body: unknown, token?: string) =>
      fetch(`${stack.apiUrl}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const message = { messages: [{ id: 'x', role: 'user', parts: [{ type: 'text', text: 'hi' }] }] };
    expect((await post(message)).status).toBe(401);
    expect((await post(message, 'wst_forged')).status).toBe(401);
    const session = (await (await openSession()).json()) as Session;
    expect((await post({ messages: [{ id: 'x', role: 'user', parts: [{ type: 'text', text: '  ' }] }] }, session.token)).status).toBe(422);
    expect((await post({ messages: [] }, session.token)).status).toBe(400);
    await stack.db.updateTable('web_sessions').set({ last_active_at: new Date(Date.now() - 31 * 60_000) }).where('id', '=', session.sessionId).execute();
    const expired = await post(message, session.token);
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { code: string } }).error.code).toBe('session_expired');
  });

  it("carries what arrives between requests on the visitor's stream: a person joining, typing and replying, resumable", async () => {
    const session = (await (await openSession()).json()) as Session;
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'billing question' } }] });
    await send(session, [], 'p1', 'Can a person help with my bill?');

    const events: { event: string; id: string; data: string }[] = [];
    const follow = (lastEventId?: string) => {
      const controller = new AbortController();
      const done = (async () => {
        const response = await fetch(`${stack.apiUrl}/api/chat/sessions/${session.sessionId}/events?token=${session.token}`, {
          headers: lastEventId ? { 'last-event-id': lastEventId } : {},
          signal: controller.signal,
        });
        expect(response.headers.get('content-type')).toContain('text/event-stream');
        const reader = response.body!.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { done: ended, value } = await reader.read();
          if (ended) return;
          buffer += decoder.decode(value, { stream: true });
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const field = (name: string) => [...block.matchAll(/^(\w+): ?(.*)$/gm)].find((m) => m[1] === name)?.[2] ?? '';
            events.push({ event: field('event'), id: field('id'), data: field('data') });
          }
        }
      })().catch(() => undefined);
      return { stop: () => controller.abort(), done };
    };

    const live = follow();
    await expect.poll(() => events.some((e) => e.event === 'ready')).toBe(true);
    // The task is written once the turn that opened it has answered.
    let task: { id: string } | undefined;
    await expect
      .poll(async () => (task = ((await (await stack.api('/api/handoffs')).json()) as { handoffs: { id: string }[] }).handoffs[0]), { timeout: 10_000 })
      .toBeDefined();
    const post = (path: string, body: unknown) => stack.api(path, { method: 'POST', body: JSON.stringify(body) });
    // Writing in a handoff takes claiming it first.
    expect((await post(`/api/handoffs/${task?.id}/typing`, {})).status).toBe(409);
    expect((await post(`/api/handoffs/${task?.id}/claim`, {})).status).toBe(200);

    // Each side sees the other writing: the agent's console gets the visitor's notice, the visitor the agent's.
    const agentEvents = await stack.api('/api/events');
    const agentReader = agentEvents.body!.pipeThrough(new TextDecoderStream()).getReader();
    let agentSeen = '';
    while (!agentSeen.includes('event: ready')) agentSeen += (await agentReader.read()).value ?? '';
    const typing = await fetch(`${stack.apiUrl}/api/chat/sessions/${session.sessionId}/typing`, { method: 'POST', headers: { authorization: `Bearer ${session.token}` } });
    expect(typing.status).toBe(204);
    while (!agentSeen.includes('event: typing')) agentSeen += (await agentReader.read()).value ?? '';
    expect(agentSeen).toMatch(/event: typing\ndata: .*"who":"customer"/);
    await agentReader.cancel();
    expect((await post(`/api/handoffs/${task?.id}/typing`, {})).status).toBe(204);
    await expect.poll(() => events.find((e) => e.event === 'typing')?.data, { timeout: 10_000 }).toBe('{"who":"agent"}');

    expect((await post(`/api/handoffs/${task?.id}/reply`, { body: 'Hi, this is Sam from billing.' })).status).toBe(201);
    await expect.poll(() => events.map((e) => e.event), { timeout: 10_000 }).toEqual(expect.arrayContaining(['agent_joined', 'message']));
    const agentMessage = events.find((e) => e.event === 'message');
    expect(JSON.parse(agentMessage?.data ?? '{}')).toMatchObject({ author: 'agent', text: 'Hi, this is Sam from billing.' });
    live.stop();
    await live.done;

    // Reconnecting from the agent's message: what came after it, with the last few seconds again (message times are
    // not commit order), never the one the client named.
    expect((await post(`/api/handoffs/${task?.id}/reply`, { body: 'Your refund is on its way.' })).status).toBe(201);
    events.length = 0;
    const again = follow(agentMessage?.id);
    await expect.poll(() => events.some((e) => e.event === 'ready'), { timeout: 10_000 }).toBe(true);
    const replayed = events.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data) as { id: string; text: string });
    expect(replayed.at(-1)?.text).toBe('Your refund is on its way.');
    expect(replayed.map((m) => m.text)).not.toContain('Hi, this is Sam from billing.');
    again.stop();
    await again.done;
    const visitor = (await stack.db.selectFrom('web_sessions').select('visitor_id').where('id', '=', session.sessionId).executeTakeFirstOrThrow()).visitor_id;
    await stack.settled(`web:${visitor}`);
    await keepHistory('web-handoff', stack.temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey: `web:${visitor}` })));
  });
});

describe('proving a phone number', () => {
  it("joins that person's conversation once the visitor types back the code sent by SMS; claiming alone reveals nothing", async () => {
    await textsCodes(stack.db);
    const phone = uniquePhone();
    await stack.postSms(smsParams({ from: phone, body: 'My order number is 4417.' }));
    await stack.settled(phone);
    stack.twilio.reset();

    const session = (await (await openSession()).json()) as Session;
    const call = (path: string, body?: unknown) =>
      fetch(`${stack.apiUrl}/api/chat/sessions/${session.sessionId}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${session.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const history = async () => ((await (await call('/messages')).json()) as { messages: { text: string }[] }).messages.map((m) => m.text);

    expect((await call('/phone', { phone: 'not a number' })).status).toBe(400);
    expect((await call('/phone', { phone })).status).toBe(202);
    const [sms] = await stack.twilio.waitForSent(1);
    expect(sms).toMatchObject({ to: phone, from: '+15005550006' });
    const code = /(\d{6})/.exec(sms?.body ?? '')?.[1] ?? '';
    // The number alone opens nothing.
    expect(await history()).toEqual([]);
    const wrong = await call('/phone/verify', { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.status).toBe(422);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('wrong_code');
    expect(await history()).toEqual([]);

    const right = await call('/phone/verify', { code });
    expect(right.status).toBe(200);
    expect(await right.json()).toEqual({ linked: true, phone });
    expect(await history()).toEqual(expect.arrayContaining(['My order number is 4417.']));
    expect((await call('/phone/verify', { code })).status).toBe(422);

    const { reply } = await send(session, [], 'l1', 'Any news on my order?');
    expect(textOf(reply)).toBe('echo: Any news on my order?');
    const turn = stack.openai.requests.find((r) => r.messages.at(-1)?.content === 'Any news on my order?');
    expect(turn?.messages.map((m) => m.content)).toEqual(expect.arrayContaining(['My order number is 4417.']));
    const conversations = await stack.db.selectFrom('conversations').select(['id', 'channels']).where('contact_key', '=', phone).execute();
    expect(conversations).toEqual([{ id: conversationWorkflowId({ tenantId: 'default', contactKey: phone }), channels: ['sms', 'web'] }]);
    await stack.settled(phone);
    await keepHistory('web-phone-linked', stack.temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey: phone })));
    // Agents see who joined the conversation from the web, by the number they proved.
    const detail = (await (await stack.api(`/api/conversations/${encodeURIComponent(conversations[0]?.id ?? '')}`)).json()) as { visitors: unknown[] };
    expect(detail.visitors).toEqual([expect.objectContaining({ linkedPhone: phone })]);
  });

  it('bounds, across sessions, how often one number is texted a code and how many wrong codes it takes', async () => {
    await textsCodes(stack.db);
    const phone = uniquePhone();
    const newSession = async () => (await (await openSession()).json()) as Session;
    const call = (session: Session, path: string, body: unknown) =>
      fetch(`${stack.apiUrl}/api/chat/sessions/${session.sessionId}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const codeSent = async (session: Session) => {
      stack.twilio.reset();
      expect((await call(session, '/phone', { phone })).status).toBe(202);
      const [sms] = await stack.twilio.waitForSent(1);
      return /(\d{6})/.exec(sms?.body ?? '')?.[1] ?? '';
    };
    const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');

    // Ten wrong codes from two sessions (five per code), and the number takes no code for the rest of the hour,
    // not even the right one.
    for (const session of [await newSession(), await newSession()]) {
      const code = await codeSent(session);
      for (let i = 0; i < 5; i += 1) expect((await call(session, '/phone/verify', { code: wrongFor(code) })).status).toBe(422);
      expect((await call(session, '/phone/verify', { code })).status).toBe(429);
    }
    const third = await newSession();
    const code = await codeSent(third);
    const locked = await call(third, '/phone/verify', { code });
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('number_locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect(await stack.db.selectFrom('web_visitors').select('id').where('linked_phone', '=', phone).execute()).toEqual([]);

    // Five codes an hour to one number, whichever sessions ask: the sixth is refused and nothing is sent.
    await codeSent(await newSession());
    await codeSent(await newSession());
    stack.twilio.reset();
    const refused = await call(await newSession(), '/phone', { phone });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('too_many_codes');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
    await stack.settled(phone);
    expect(stack.twilio.sent).toHaveLength(0);
  });

  it('shows agents who the visitor says they are; a number they only gave opens nothing', async () => {
    const phone = uniquePhone();
    await stack.postSms(smsParams({ from: phone, body: 'My address is 12 Elm Street.' }));
    await stack.settled(phone);

    expect((await openSession({ phone: 'call me maybe' })).status).toBe(400);
    const opened = await openSession({ name: 'Grace', email: 'grace@example.com', phone: `(${phone.slice(2, 5)}) ${phone.slice(5, 8)}-${phone.slice(8)}` });
    expect(opened.status).toBe(201);
    const session = (await opened.json()) as Session & { visitor: unknown };
    expect(session.visitor).toEqual({ name: 'Grace', email: 'grace@example.com', phone, linkedPhone: null });
    const { reply } = await send(session, [], 'g1', 'Where is my parcel?');
    expect(textOf(reply)).toBe('echo: Where is my parcel?');
    // The model saw only this chat: the number's SMS history stays closed until the code is typed back.
    const turn = stack.openai.requests.find((r) => r.messages.at(-1)?.content === 'Where is my parcel?');
    expect(turn?.messages.map((m) => m.content)).not.toContain('My address is 12 Elm Street.');

    const visitor = (await stack.db.selectFrom('web_sessions').select('visitor_id').where('id', '=', session.sessionId).executeTakeFirstOrThrow()).visitor_id;
    const detail = async () =>
      (await (await stack.api(`/api/conversations/${encodeURIComponent(conversationWorkflowId({ tenantId: 'default', contactKey: `web:${visitor}` }))}`)).json()) as {
        visitors: { name: string | null; email: string | null; phone: string | null; linkedPhone: string | null }[];
      };
    expect((await detail()).visitors).toEqual([expect.objectContaining({ name: 'Grace', email: 'grace@example.com', phone, linkedPhone: null })]);

    // Back later with the same visitor secret and a new name: the details follow, the history stays.
    const again = (await (await openSession({ visitorToken: session.visitorToken, name: 'Grace H.' })).json()) as Session & { visitor: unknown };
    expect(again.visitor).toEqual({ name: 'Grace H.', email: 'grace@example.com', phone, linkedPhone: null });
    expect((await detail()).visitors).toEqual([expect.objectContaining({ name: 'Grace H.' })]);
    // The handoff queue calls the visitor by the name they gave.
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'lost parcel' } }] });
    await send(again, [], 'g2', 'Can a person look into it?');
    // The task is written once the turn that opened it has answered.
    const named = async () => {
      const { handoffs } = (await (await stack.api('/api/handoffs')).json()) as { handoffs: { contactKey: string; customerName: string | null }[] };
      return handoffs.find((h) => h.contactKey === `web:${visitor}`)?.customerName;
    };
    await expect.poll(named, { timeout: 10_000 }).toBe('Grace H.');
  });
});

describe('web chat limits', () => {
  let limited: Stack;
  beforeAll(async () => {
    limited = await startStack({ WEB_RATE_PER_SESSION: '2', WEB_RATE_PER_IP: '5' });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  it('refuses with 429 and Retry-After past the per-session and per-address limits, writing nothing', async () => {
    const key = (await limited.db.selectFrom('tenants').select('widget_key').where('id', '=', 'default').executeTakeFirstOrThrow()).widget_key;
    const open = () =>
      fetch(`${limited.apiUrl}/api/chat/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ widgetKey: key }) });
    const session = (await (await open()).json()) as Session;
    const chat = (id: string) =>
      fetch(`${limited.apiUrl}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
        body: JSON.stringify({ messages: [{ id, role: 'user', parts: [{ type: 'text', text: `message ${id}` }] }] }),
      });
    for (const id of ['1', '2']) {
      const response = await chat(id);
      expect(response.status).toBe(200);
      await response.text();
    }
    const refused = await chat('3');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringContaining('too many messages in this chat') } });
    const recorded = await limited.db.selectFrom('messages').select('body').where('channel', '=', 'web').where('direction', '=', 'inbound').execute();
    expect(recorded.map((m) => m.body).sort()).toEqual(['message 1', 'message 2']);

    // The address has used 3 of its 5: two more sessions, then no more.
    expect((await open()).status).toBe(201);
    expect((await open()).status).toBe(201);
    const tooMany = await open();
    expect(tooMany.status).toBe(429);
    expect(((await tooMany.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });
});
