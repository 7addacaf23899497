import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';
import { defaultServiceTexts } from '../../domain/texts';
import type { RelayCaller } from '../fakes/conversation-relay';
import { keepHistory } from '../support/histories';
import { smsParams, startStack, uniquePhone, type Stack, useStack } from '../support/stack';
import { startWorkerProcess } from '../support/worker-process';

/**
 * Calls through Twilio ConversationRelay, on the real stack: the caller's side is the relay caller (signed webhook,
 * signed socket, Twilio's frames); replies stream from the model through the workflow's reply activity.
 */
let stack: Stack;
useStack((started) => (stack = started), { BATCH_QUIET_MS: '200' });

const conversationOf = (phone: string) => conversationWorkflowId({ tenantId: 'default', contactKey: phone });

async function connected(from: string): Promise<RelayCaller> {
  const caller = stack.caller(from);
  expect(await caller.ring()).toBe(200);
  await caller.connect();
  return caller;
}

async function messages(phone: string) {
  return stack.db
    .selectFrom('messages')
    .select(['direction', 'author', 'channel', 'body', 'status', 'full_body'])
    .where('conversation_id', '=', conversationOf(phone))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

describe('a phone call', () => {
  it('answers with TwiML that connects a ConversationRelay session greeting the caller', async () => {
    const caller = stack.caller(uniquePhone());
    expect(await caller.ring()).toBe(200);
    expect(caller.twiml).toContain('<Connect action="https://conversations.example.test/webhooks/twilio/voice/ended">');
    expect(caller.twiml).toContain(`url="wss://conversations.example.test/webhooks/twilio/relay?callSid=${caller.callSid}"`);
    expect(caller.welcomeGreeting).toBe(defaultServiceTexts.welcomeGreeting);
    expect(caller.twiml).toContain('interruptible="any"');
    expect(caller.twiml).toContain('dtmfDetection="true"');
    // The call is recorded as announced: the relay session binds to this, whatever its setup frame says.
    const call = await stack.db.selectFrom('calls').selectAll().where('call_sid', '=', caller.callSid).executeTakeFirstOrThrow();
    expect(call).toMatchObject({ tenant_id: 'default', contact_key: caller.options.from, status: 'ringing', session_id: null });
  });

  it('binds a relay session only to the call its signed URL names, announced by the voice webhook, and only once', async () => {
    // The socket's URL names the call, so its signature is that call's: a socket opened without one is refused.
    const stranger = stack.caller(uniquePhone());
    await expect(stranger.connect()).rejects.toThrow('upgrade refused: 403');
    expect(await stack.db.selectFrom('calls').select('call_sid').where('call_sid', '=', stranger.callSid).execute()).toEqual([]);
    expect((await stack.temporal.workflow.count(`WorkflowId = "${conversationOf(stranger.options.from)}"`)).count).toBe(0);

    const from = uniquePhone();
    const caller = await connected(from);
    const sessionOf = async () => (await stack.db.selectFrom('calls').select('session_id').where('call_sid', '=', caller.callSid).executeTakeFirst())?.session_id;
    await expect.poll(sessionOf, { timeout: 10_000 }).toBe(caller.sessionId);
    // This call's signed socket, reused for another call that rings (announced, not yet connected): refused.
    const other = stack.caller(uniquePhone());
    expect(await other.ring()).toBe(200);
    const forged = stack.caller(other.options.from, { callSid: other.callSid });
    forged.twiml = caller.twiml;
    await forged.connect();
    expect(await forged.closed()).toBe(1008);
    // The same setup again, word for word (a replay of what was captured): refused; the call goes on.
    const replayed = stack.caller(from, { callSid: caller.callSid, sessionId: caller.sessionId });
    replayed.twiml = caller.twiml;
    await replayed.connect();
    expect(await replayed.closed()).toBe(1008);
    caller.say('Still there?');
    expect((await caller.reply()).text).toBe('echo: Still there?');
    await caller.hangUp();
    // The other call still connects, on its own socket.
    await other.connect();
    other.say('Hello?');
    expect((await other.reply()).text).toBe('echo: Hello?');
    await other.hangUp();
  });

  it('answers two prompts in one conversation, streaming each reply token by token', async () => {
    const from = uniquePhone();
    const caller = await connected(from);
    caller.say('What are your opening hours?');
    const first = await caller.reply();
    expect(first.text).toBe('echo: What are your opening hours?');
    expect(first.tokens.length).toBeGreaterThan(1);
    caller.say('And on Sundays?');
    expect((await caller.reply()).text).toBe('echo: And on Sundays?');
    await caller.hangUp();
    await stack.settled(from);
    await keepHistory('call-two-turns', stack.temporal.workflow.getHandle(conversationOf(from)));
    // Hung up after the session: the call is over, whether or not a status callback follows.
    expect(await stack.db.selectFrom('calls').select('status').where('call_sid', '=', caller.callSid).executeTakeFirstOrThrow()).toEqual({ status: 'completed' });

    expect((await messages(from)).filter((m) => m.direction !== 'internal').map((m) => [m.author, m.channel, m.body, m.status])).toEqual([
      ['customer', 'voice', 'What are your opening hours?', 'received'],
      ['ai', 'voice', 'echo: What are your opening hours?', 'spoken'],
      ['customer', 'voice', 'And on Sundays?', 'received'],
      ['ai', 'voice', 'echo: And on Sundays?', 'spoken'],
    ]);
    // The second turn saw the first: one context.
    const secondTurn = stack.openai.requests.find((r) => r.messages.at(-1)?.content === 'And on Sundays?');
    expect(secondTurn?.stream).toBe(true);
    expect(secondTurn?.messages.map((m) => m.content)).toEqual(
      expect.arrayContaining(['What are your opening hours?', 'echo: What are your opening hours?', 'And on Sundays?']),
    );
    const call = await stack.db.selectFrom('calls').selectAll().where('call_sid', '=', caller.callSid).executeTakeFirstOrThrow();
    expect(call).toMatchObject({ conversation_id: conversationOf(from), session_status: 'completed', direction: 'inbound' });
    const turns = await stack.db.selectFrom('call_turns').selectAll().where('call_sid', '=', caller.callSid).orderBy('prompt_at').execute();
    expect(turns.map((t) => t.prompt)).toEqual(['What are your opening hours?', 'And on Sundays?']);
    expect(turns.every((t) => t.first_token_at && t.last_token_at && t.first_token_at <= t.last_token_at)).toBe(true);

    // The read model shows the call as part of the conversation.
    const view = (await (await stack.api(`/api/conversations/${encodeURIComponent(conversationOf(from))}`)).json()) as {
      conversation: { channels: string[] };
      calls: { callSid: string; sessionStatus: string; turns: { prompt: string; firstTokenAt: string | null }[] }[];
    };
    expect(view.conversation.channels).toEqual(['voice']);
    expect(view.calls).toEqual([
      expect.objectContaining({
        callSid: caller.callSid,
        sessionStatus: 'completed',
        turns: [expect.objectContaining({ prompt: 'What are your opening hours?' }), expect.objectContaining({ prompt: 'And on Sundays?' })],
      }),
    ]);
  });

  it('streams the first token long before the reply activity completes (a model writing at a human pace)', async () => {
    stack.openai.tokenDelayMs = 150;
    const from = uniquePhone();
    const caller = await connected(from);
    stack.openai.script({ content: 'We are open from nine to six on weekdays and from ten to four on Saturdays.' });
    let firstTokenAt = 0;
    const stop = caller.listen((frame) => {
      if (frame.type === 'text' && frame.token && !firstTokenAt) firstTokenAt = Date.now();
    });
    caller.say('When are you open?');
    const reply = await caller.reply();
    stop();
    expect(reply.text).toBe('We are open from nine to six on weekdays and from ten to four on Saturdays.');
    // 16 tokens 150 ms apart: the first arrives after one gap, the last after all of them.
    expect(reply.tokens).toHaveLength(16);
    expect(reply.lastTokenMs - reply.firstTokenMs).toBeGreaterThanOrEqual(14 * 150);
    // The reply activity cannot complete before the model's last token, 15 gaps after the first: the caller had
    // the first token at least that much earlier.
    await caller.hangUp();
    await stack.settled(from);
    const history = await stack.temporal.workflow.getHandle(conversationOf(from)).fetchHistory();
    const scheduled = (history.events ?? []).find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'generateReply');
    const completed = (history.events ?? []).find((e) => e.activityTaskCompletedEventAttributes?.scheduledEventId?.toString() === scheduled?.eventId?.toString());
    const completedAt = Number(completed?.eventTime?.seconds) * 1000 + Math.floor((completed?.eventTime?.nanos ?? 0) / 1e6);
    expect(completedAt - firstTokenAt).toBeGreaterThanOrEqual(14 * 150);
  });

  it('stops at once when the caller cuts in: only what they heard is kept, and the next turn knows', async () => {
    stack.openai.tokenDelayMs = 100;
    const from = uniquePhone();
    const caller = await connected(from);
    // 44 tokens, over four seconds at this pace: cut off early, the rest is never written.
    const longReply = `Standard delivery takes two to four business days. ${'Express delivery arrives the next day. '.repeat(6)}`.trim();
    stack.openai.script({ content: longReply });
    caller.say('How long does delivery take?');
    const heard: string[] = [];
    await new Promise<void>((resolve) => {
      const stop = caller.listen((frame) => {
        if (frame.type !== 'text') return;
        heard.push(String(frame.token));
        if (heard.length === 4) {
          stop();
          resolve();
        }
      });
    });
    caller.interrupt(heard.join(''));
    const cutAt = caller.received.length;
    caller.say('Actually, I want express.');
    const next = await caller.reply();
    expect(next.text).toBe('echo: Actually, I want express.');
    // The model call behind the interrupted reply was stopped (through the activity's heartbeat), not run out.
    await expect.poll(() => stack.openai.abandoned, { timeout: 3000 }).toBe(1);
    // Nothing more of the interrupted reply reached the caller after the interruption.
    const after = caller.received.slice(cutAt).filter((f) => f.type === 'text').map((f) => String(f.token)).join('');
    expect(after).toBe(next.text);
    await caller.hangUp();
    await stack.settled(from);
    await keepHistory('call-interrupted', stack.temporal.workflow.getHandle(conversationOf(from)));

    const spoken = (await messages(from)).filter((m) => m.author === 'ai');
    const heardText = heard.join('').trim();
    expect(spoken[0]).toMatchObject({ body: heardText, status: 'interrupted' });
    // The whole reply is kept beside it when it was written before the caller cut in.
    expect(spoken[0]?.full_body === null || spoken[0]?.full_body?.startsWith(heardText)).toBe(true);
    const nextTurn = stack.openai.requests.find((r) => r.messages.at(-1)?.content === 'Actually, I want express.');
    expect(nextTurn?.messages.map((m) => m.content).join('\n')).toContain(`${heardText} [interrupted: the caller cut in here and did not hear the rest]`);
  });

  it('answers only the second of two prompts said at once; the first reply, never heard, is not kept', async () => {
    const from = uniquePhone();
    const caller = await connected(from);
    caller.say('Do you have parking?');
    caller.say('Sorry, I meant bike parking.');
    expect((await caller.reply()).text).toBe('echo: Sorry, I meant bike parking.');
    await stack.settled(from);
    const texts = caller.received.filter((f) => f.type === 'text').map((f) => String(f.token)).join('');
    expect(texts).not.toContain('echo: Do you have parking?');
    expect((await messages(from)).filter((m) => m.direction !== 'internal').map((m) => [m.author, m.body, m.status])).toEqual([
      ['customer', 'Do you have parking?', 'received'],
      ['customer', 'Sorry, I meant bike parking.', 'received'],
      ['ai', 'echo: Sorry, I meant bike parking.', 'spoken'],
    ]);
    await caller.hangUp();
  });

  it('takes a key press as a message of the conversation', async () => {
    const from = uniquePhone();
    const caller = await connected(from);
    caller.press('5');
    expect((await caller.reply()).text).toBe('echo: (pressed 5 on the keypad)');
    await caller.hangUp();
  });

  it('refuses an unsigned or wrongly signed socket upgrade', async () => {
    for (const signature of ['', 'bm90IGEgc2lnbmF0dXJl']) {
      const caller = stack.caller(uniquePhone(), { signature });
      await caller.ring();
      await expect(caller.connect()).rejects.toThrow('upgrade refused: 403');
    }
  });

  it('apologizes and hangs up on a call to a number no tenant answers', async () => {
    await stack.db.insertInto('tenants').values({ id: 'acme', name: 'Acme', system_prompt: '' }).execute();
    await stack.db.insertInto('phone_numbers').values({ number: '+15005550001', tenant_id: 'acme' }).execute();
    const caller = stack.caller(uniquePhone(), { to: '+15005550009' });
    expect(await caller.ring()).toBe(200);
    expect(caller.twiml).toBe(`<?xml version="1.0" encoding="UTF-8"?><Response><Say>${defaultServiceTexts.callUnknownNumber}</Say><Hangup/></Response>`);
  });

  it('drops a malformed frame and goes on with the call', async () => {
    const caller = await connected(uniquePhone());
    caller.frame('this is not json');
    caller.frame({ type: 'prompt' });
    caller.frame({ type: 'mystery', value: 1 });
    caller.say('still there?');
    expect((await caller.reply()).text).toBe('echo: still there?');
    await caller.hangUp();
  });

  it('keeps 20 simultaneous calls apart', async () => {
    stack.openai.tokenDelayMs = 20;
    const callers = await Promise.all(Array.from({ length: 20 }, () => connected(uniquePhone())));
    const replies = await Promise.all(
      callers.map(async (caller, i) => {
        caller.say(`caller number ${i} asks about order ${i * 7}`);
        return (await caller.reply(60_000)).text;
      }),
    );
    expect(replies).toEqual(callers.map((_, i) => `echo: caller number ${i} asks about order ${i * 7}`));
    await Promise.all(callers.map((caller) => caller.hangUp()));
    for (const caller of callers) await stack.settled(caller.options.from);
    const spoken = await stack.db.selectFrom('messages').select(['to_address', 'body']).where('channel', '=', 'voice').where('direction', '=', 'outbound').execute();
    for (const [i, caller] of callers.entries()) {
      expect(spoken.filter((m) => m.to_address === caller.callSid).map((m) => m.body)).toEqual([`echo: caller number ${i} asks about order ${i * 7}`]);
    }
  }, 120_000);

  it('puts the call through to a person when the model hands off: the session ends with handoffData and the task opens', async () => {
    await stack.db.updateTable('tenants').set({ voice: JSON.stringify({ transferTo: '+15005550123' }) }).where('id', '=', 'default').execute();
    const from = uniquePhone();
    const caller = await connected(from);
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'wants to dispute a charge' } }] });
    caller.say('I need to talk to someone about a charge');
    expect((await caller.reply()).text).toBe(defaultServiceTexts.callTransfer);
    const handoffData = JSON.parse(await caller.ended()) as { reason: string; taskId: string; summary: string };
    expect(handoffData).toMatchObject({ reason: 'handoff', summary: 'wants to dispute a charge' });
    const twiml = await caller.hangUp({ status: 'ended', handoffData: JSON.stringify(handoffData) });
    expect(twiml).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Dial>+15005550123</Dial></Response>');

    await stack.settled(from);
    await keepHistory('call-transferred', stack.temporal.workflow.getHandle(conversationOf(from)));
    // Put through, the call goes on until Twilio says it ended; the task is the call's, whatever the person does next.
    expect(await stack.db.selectFrom('calls').select('status').where('call_sid', '=', caller.callSid).executeTakeFirstOrThrow()).toEqual({ status: 'in-progress' });
    await stack.postSms(smsParams({ from, body: 'I am still waiting' }));
    await stack.settled(from);
    const tasks = (await (await stack.api('/api/handoffs')).json()) as { handoffs: { id: string; reason: string; channel: string }[] };
    expect(tasks.handoffs).toEqual([expect.objectContaining({ id: handoffData.taskId, reason: 'wants to dispute a charge', channel: 'voice' })]);
    // Without an agents' number the call waits in the tenant's queue instead.
    await stack.db.updateTable('tenants').set({ voice: '{}' }).where('id', '=', 'default').execute();
    const other = await connected(uniquePhone());
    expect(await other.hangUp({ status: 'ended', handoffData: JSON.stringify({ reason: 'handoff' }) })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Enqueue>support-default</Enqueue></Response>',
    );
  });

  it('shares one context with texts: a later SMS turn sees the call summary, and a call sees the earlier SMS', async () => {
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'My order number is 4417.' }));
    await stack.twilio.waitForSent(1);
    await stack.settled(from);

    const caller = await connected(from);
    caller.say('Can you check on my order?');
    await caller.reply();
    const callTurn = stack.openai.requests.find((r) => r.messages.at(-1)?.content === 'Can you check on my order?');
    expect(callTurn?.messages.map((m) => m.content)).toEqual(expect.arrayContaining(['My order number is 4417.']));
    await caller.hangUp();
    await stack.settled(from);

    const notes = (await messages(from)).filter((m) => m.direction === 'internal');
    expect(notes).toEqual([expect.objectContaining({ channel: 'voice', body: expect.stringMatching(/^Summary of the phone call: /) })]);
    await stack.postSms(smsParams({ from, body: 'Any update?' }));
    await stack.twilio.waitForSent(2);
    const smsTurn = stack.openai.requests.find((r) => r.messages.at(-1)?.content === 'Any update?');
    expect(smsTurn?.messages.map((m) => m.content).join('\n')).toContain('Summary of the phone call: ');
    expect(stack.twilio.sent.at(-1)).toMatchObject({ to: from, body: 'echo: Any update?' });
  });
});

describe('agents reaching the person first', () => {
  async function conversationWith(from: string): Promise<string> {
    await stack.postSms(smsParams({ from, body: 'hello' }));
    await stack.settled(from);
    return encodeURIComponent(conversationOf(from));
  }

  const post = (path: string, body?: unknown) => stack.api(path, { method: 'POST', ...(body ? { body: JSON.stringify(body) } : {}) });

  it('places an outbound call, answered by the same voice route in the same conversation', async () => {
    const from = uniquePhone();
    const id = await conversationWith(from);
    // Two agents (or two clicks) at once: the person is rung once.
    const [response, again] = await Promise.all([post(`/api/conversations/${id}/calls`), post(`/api/conversations/${id}/calls`)]);
    const [placed, refused] = response?.status === 201 ? [response, again] : [again, response];
    expect(placed?.status).toBe(201);
    expect(refused?.status).toBe(409);
    expect(((await refused?.json()) as { error: { code: string } }).error.code).toBe('call_in_progress');
    const { callSid } = (await placed?.json()) as { callSid: string };
    expect(stack.twilio.calls).toEqual([
      {
        sid: callSid,
        accountSid: stack.twilio.accountSid,
        to: from,
        from: '+15005550006',
        url: 'https://conversations.example.test/webhooks/twilio/voice',
        statusCallback: 'https://conversations.example.test/webhooks/twilio/voice/status',
      },
    ]);

    // Twilio rings the person; when they answer it asks the voice route, as for any call, and the assistant greets
    // them by the name the team knows them by.
    await stack.db.insertInto('contacts').values({ tenant_id: 'default', contact_key: from, phone: from, name: 'Ana' }).onConflict((oc) => oc.columns(['tenant_id', 'contact_key']).doUpdateSet({ name: 'Ana' })).execute();
    const answered = stack.caller('+15005550006', { to: from, callSid, direction: 'outbound-api' });
    await answered.ring();
    expect(answered.welcomeGreeting).toBe('Hello Ana, this is Default calling about your conversation with us. Is now a good time?');
    await answered.connect();
    answered.say('Hi, you called me?');
    expect((await answered.reply()).text).toBe('echo: Hi, you called me?');
    // While they talk, no second call rings them.
    expect((await post(`/api/conversations/${id}/calls`)).status).toBe(409);
    await answered.hangUp();
    await stack.settled(from);
    const call = await stack.db.selectFrom('calls').selectAll().where('call_sid', '=', callSid).executeTakeFirstOrThrow();
    expect(call).toMatchObject({ direction: 'outbound', conversation_id: conversationOf(from), session_status: 'completed' });
    expect((await messages(from)).filter((m) => m.channel === 'voice' && m.direction !== 'internal').map((m) => m.body)).toEqual([
      'Hi, you called me?',
      'echo: Hi, you called me?',
    ]);

    // Twilio will not place the next one: the agent is told why, in words, and may try again.
    stack.twilio.failNext(1, { status: 400, code: 21211, message: "The 'To' number is not a valid phone number." });
    const notPlaced = await post(`/api/conversations/${id}/calls`);
    expect(notPlaced.status).toBe(422);
    expect(await notPlaced.json()).toEqual({ error: { code: 'not_sent', message: expect.stringContaining('the number is not a valid phone number') } });
    expect((await post(`/api/conversations/${id}/calls`)).status).toBe(201);
  });

  it('sends a proactive SMS or WhatsApp message through the outbox; Twilio refusals come back readable', async () => {
    const from = uniquePhone();
    const id = await conversationWith(from);
    const sms = await post(`/api/conversations/${id}/messages`, { channel: 'sms', body: 'Your order has shipped.' });
    expect(sms.status).toBe(201);
    expect(stack.twilio.sent.at(-1)).toMatchObject({ to: from, from: '+15005550006', body: 'Your order has shipped.' });

    // Outside WhatsApp's 24-hour window the agent is told at once, and offered a template.
    const closed = await post(`/api/conversations/${id}/messages`, { channel: 'whatsapp', body: 'Your order has shipped.' });
    expect(closed.status).toBe(422);
    expect(await closed.json()).toEqual({ error: { code: 'whatsapp_window_closed', message: expect.stringContaining('they have never written on WhatsApp') } });
    const wroteOnWhatsApp = async (hoursAgo: number) =>
      stack.db
        .insertInto('messages')
        .values({ id: `in:wa:${hoursAgo}`, conversation_id: decodeURIComponent(id), tenant_id: 'default', direction: 'inbound', author: 'customer', channel: 'whatsapp', from_address: `whatsapp:${from}`, to_address: 'whatsapp:+15005550006', body: 'hi', status: 'received', created_at: new Date(Date.now() - hoursAgo * 3_600_000) })
        .execute();
    await wroteOnWhatsApp(25);
    const stale = await post(`/api/conversations/${id}/messages`, { channel: 'whatsapp', body: 'Your order has shipped.' });
    expect(((await stale.json()) as { error: { message: string } }).error.message).toContain('their last was 25 hours ago). Send an approved WhatsApp template');

    // Within it, Twilio's own refusal still comes back readable.
    await wroteOnWhatsApp(1);
    stack.twilio.failNext(1, { status: 400, code: 63016, message: 'Failed to send freeform message because you are outside the allowed window.' });
    const whatsapp = await post(`/api/conversations/${id}/messages`, { channel: 'whatsapp', body: 'Your order has shipped.' });
    expect(whatsapp.status).toBe(422);
    expect(await whatsapp.json()).toEqual({
      error: { code: 'not_sent', message: expect.stringContaining('WhatsApp: outside the 24-hour session window, an approved template is required') },
    });
    const failed = (await messages(from)).find((m) => m.channel === 'whatsapp' && m.author === 'agent');
    expect(failed).toMatchObject({ author: 'agent', status: 'failed' });

    // Opt-out holds for agents too.
    await stack.postSms(smsParams({ from, body: 'STOP' }));
    await stack.settled(from);
    const refused = await post(`/api/conversations/${id}/messages`, { channel: 'sms', body: 'One more thing' });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('opted out of sms');
    expect((await post(`/api/conversations/${id}/messages`, { channel: 'sms', body: '' })).status).toBe(400);
  });
});

describe('a call waiting for a worker', () => {
  let apiOnly: Stack;
  beforeAll(async () => {
    apiOnly = await startStack({ BATCH_QUIET_MS: '200' }, { worker: false });
  });
  afterAll(async () => {
    await apiOnly?.stop();
  });
  // The file's stack resets the database before each test; this stack's fakes are reset here.
  beforeEach(() => {
    apiOnly?.openai.reset();
    apiOnly?.twilio.reset();
  });

  it('goes on with the next prompt, and nothing is recorded twice', async () => {
    const env = apiOnly.workerEnv();
    const from = uniquePhone();
    let worker = await startWorkerProcess(env);
    try {
      const caller = apiOnly.caller(from);
      await caller.ring();
      await caller.connect();
      caller.say('first question');
      expect((await caller.reply()).text).toBe('echo: first question');
      await apiOnly.settled(from);
      await worker.kill();
      worker = await startWorkerProcess(env);
      caller.say('second question');
      expect((await caller.reply(60_000)).text).toBe('echo: second question');
      await caller.hangUp();
      await apiOnly.settled(from);
    } finally {
      await worker.kill();
    }
    const rows = await apiOnly.db
      .selectFrom('messages')
      .select(['author', 'body'])
      .where('conversation_id', '=', conversationOf(from))
      .where('direction', '<>', 'internal')
      .orderBy('created_at')
      .execute();
    expect(rows.map((r) => `${r.author}: ${r.body}`)).toEqual([
      'customer: first question',
      'ai: echo: first question',
      'customer: second question',
      'ai: echo: second question',
    ]);
  }, 120_000);

  it('never writes a reply to a prompt the caller talked over before any worker took it', async () => {
    const from = uniquePhone();
    const caller = apiOnly.caller(from);
    await caller.ring();
    await caller.connect();
    // Two prompts at once while no worker runs: the first turn, the word that the caller talked over it, and the
    // second turn all wait in Temporal, and the first worker gets them together.
    caller.say('Do you have parking?');
    caller.say('Sorry, I meant bike parking.');
    const handle = apiOnly.temporal.workflow.getHandle(conversationOf(from));
    await expect
      .poll(async () => (await handle.fetchHistory()).events?.some((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'interrupt'), { timeout: 10_000 })
      .toBe(true);
    const worker = await startWorkerProcess(apiOnly.workerEnv());
    try {
      expect((await caller.reply(60_000)).text).toBe('echo: Sorry, I meant bike parking.');
      await caller.hangUp();
      await apiOnly.settled(from);
      await keepHistory('call-talked-over-early', handle);
    } finally {
      await worker.kill();
    }
    // The first reply was never written: the model was asked for one reply (and the call's summary), and nothing
    // of the first is kept as spoken.
    expect(apiOnly.openai.requests.filter((r) => r.stream).map((r) => r.messages.at(-1)?.content)).toEqual(['Sorry, I meant bike parking.']);
    const rows = await apiOnly.db.selectFrom('messages').select(['author', 'body']).where('conversation_id', '=', conversationOf(from)).where('direction', '<>', 'internal').orderBy('created_at').execute();
    expect(rows.map((r) => `${r.author}: ${r.body}`)).toEqual(['customer: Do you have parking?', 'customer: Sorry, I meant bike parking.', 'ai: echo: Sorry, I meant bike parking.']);
  }, 120_000);
});
