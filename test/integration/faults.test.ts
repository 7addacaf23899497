import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';

import { waitFor } from '../support/wait';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';
import { resetDatabase, smsParams, startStack, uniquePhone, type Stack } from '../support/stack';

/**
 * Faults injected into the real stack. Each test asserts what a customer would notice: every message recorded,
 * exactly one reply per batch, nothing sent twice, every reply to its own sender.
 */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function inboundBodies(stack: Stack, from: string): Promise<string[]> {
  const rows = await stack.db
    .selectFrom('messages')
    .select('body')
    .where('conversation_id', '=', conversationWorkflowId({ tenantId: 'default', contactKey: from }))
    .where('direction', '=', 'inbound')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => r.body);
}

describe('provider and delivery faults', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ BATCH_QUIET_MS: '1000', BATCH_MAX_WAIT_MS: '5000' });
    await resetDatabase(stack.db);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('rides out OpenAI answering 429 (honouring Retry-After), then 500, then succeeding: one reply', async () => {
    stack.openai.reset();
    stack.twilio.reset();
    stack.openai.script(
      { error: { status: 429, message: 'Rate limit reached', headers: { 'retry-after': '2' } } },
      { error: { status: 500, message: 'The server had an error' } },
    );
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'is my order late?' }));
    // What Temporal scheduled after each failure, as the server reports it: the 429's Retry-After, then the
    // activity's own backoff.
    const handle = stack.temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey: from }));
    const retryAfter = async (attempt: number) => {
      for (;;) {
        const pending = (await handle.describe()).raw.pendingActivities?.find((a) => a.activityType?.name === 'generateReply');
        if (pending && pending.attempt === attempt) return { interval: Number(pending.currentRetryInterval?.seconds ?? 0), failure: pending.lastFailure?.message };
        await pause(50);
      }
    };
    expect(await retryAfter(2)).toEqual({ interval: 2, failure: expect.stringContaining('LLM 429') });
    expect(await retryAfter(3)).toEqual({ interval: 2, failure: expect.stringContaining('500') });
    const [reply] = await stack.twilio.waitForSent(1, 30_000);
    expect(reply).toMatchObject({ to: from, body: 'echo: is my order late?' });
    expect(stack.openai.requests).toHaveLength(3);
    await stack.settled(from);
    expect(stack.twilio.sent).toHaveLength(1);
  });

  it('records and answers once when webhooks are delivered twice and out of order', async () => {
    stack.openai.reset();
    stack.twilio.reset();
    const from = uniquePhone();
    const first = smsParams({ from, body: 'first question' });
    const second = smsParams({ from, body: 'second question' });
    for (const params of [second, first, second, first]) expect((await stack.postSms(params)).status).toBe(200);
    await stack.twilio.waitForSent(1);
    await stack.settled(from);
    expect(stack.twilio.sent).toHaveLength(1);
    expect(stack.openai.requests).toHaveLength(1);
    expect((await inboundBodies(stack, from)).sort()).toEqual(['first question', 'second question']);
  });

  it('keeps 200 simultaneous conversations apart: every reply goes to its own sender', async () => {
    stack.openai.reset();
    stack.twilio.reset();
    const contacts = Array.from({ length: 200 }, (_, i) => ({
      from: `+1604777${String(i).padStart(4, '0')}`,
      messages: Array.from({ length: 1 + (i % 3) }, (_, j) => `contact ${i} message ${j}`),
    }));
    await Promise.all(
      contacts.map(async (contact) => {
        for (const body of contact.messages) {
          const response = await stack.postSms(smsParams({ from: contact.from, body }));
          expect(response.status).toBe(200);
        }
      }),
    );
    await waitFor(
      () => (contacts.every((c) => stack.twilio.sent.some((s) => s.to === c.from && s.body === `echo: ${c.messages.at(-1)}`)) ? true : undefined),
      120_000,
      'a reply to every last message',
    );
    for (let i = 0; i < contacts.length; i += 25) await Promise.all(contacts.slice(i, i + 25).map((c) => stack.settled(c.from)));
    for (const contact of contacts) {
      const replies = stack.twilio.sent.filter((s) => s.to === contact.from).map((s) => s.body);
      // Only this contact's own messages are answered, none twice, and never more replies than messages.
      expect(replies.every((body) => contact.messages.includes(body.replace(/^echo: /, '')))).toBe(true);
      expect(new Set(replies).size).toBe(replies.length);
      expect(replies.length).toBeLessThanOrEqual(contact.messages.length);
    }
    expect(stack.twilio.sent.every((s) => /^\+1604777\d{4}$/.test(s.to))).toBe(true);
    const recorded = await stack.db.selectFrom('messages').select('id').where('direction', '=', 'inbound').where('from_address', 'like', '+1604777%').execute();
    expect(recorded).toHaveLength(contacts.reduce((sum, c) => sum + c.messages.length, 0));
    const running = await stack.temporal.workflow.count(`TaskQueue = "${stack.config.TEMPORAL_TASK_QUEUE}" AND WorkflowId STARTS_WITH "conversation:default:+1604777"`);
    expect(running.count).toBe(200);
  }, 180_000);
});

describe('a worker killed mid-batch', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ BATCH_QUIET_MS: '4000', BATCH_MAX_WAIT_MS: '20000' }, { worker: false });
    await resetDatabase(stack.db);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** A worker process of this stack's task queue, as a separate machine would run it. */
  const workerEnv = (extra: Record<string, string> = {}) => stack.workerEnv(extra);

  it('loses nothing and answers the whole batch once after a restart', async () => {
    const env = workerEnv();
    const first = await startWorkerProcess(env);
    const from = uniquePhone();
    try {
      await stack.postSms(smsParams({ from, body: 'one' }));
      await stack.postSms(smsParams({ from, body: 'two' }));
      await waitUntilRecorded(stack, from, 2);
      await first.kill();
      // While no worker runs, the webhook is still accepted: Temporal holds the signal.
      expect((await stack.postSms(smsParams({ from, body: 'three' }))).status).toBe(200);
      expect(stack.twilio.sent).toHaveLength(0);
    } finally {
      await first.kill();
    }
    const second = await startWorkerProcess(env);
    try {
      const [reply] = await stack.twilio.waitForSent(1, 60_000);
      expect(reply).toMatchObject({ to: from, body: 'echo: three' });
      await stack.settled(from);
      expect(stack.twilio.sent).toHaveLength(1);
      expect(stack.openai.requests).toHaveLength(1);
      expect(await inboundBodies(stack, from)).toEqual(['one', 'two', 'three']);
    } finally {
      await second.kill();
    }
  }, 180_000);

  it('answers within 15 s when the worker dies in the middle of a model call and is restarted', async () => {
    stack.openai.reset();
    stack.twilio.reset();
    // The first model call hangs until its caller goes away; the retry gets the ordinary echo.
    stack.openai.script({ content: 'never delivered', delayMs: 120_000 });
    const first = await startWorkerProcess(workerEnv({ OPENAI_TIMEOUT_MS: '120000' }));
    let second: WorkerProcess | undefined;
    const from = uniquePhone();
    try {
      await stack.postSms(smsParams({ from, body: 'where is my parcel?' }));
      await waitFor(() => (stack.openai.requests.length === 1 ? true : undefined), 30_000, 'the model call');
      await first.kill();
      const killedAt = Date.now();
      second = await startWorkerProcess(workerEnv());
      const [reply] = await stack.twilio.waitForSent(1, 60_000);
      const elapsed = Date.now() - killedAt;
      expect(reply).toMatchObject({ to: from, body: 'echo: where is my parcel?' });
      expect(elapsed).toBeLessThan(15_000);
      await stack.settled(from);
      expect(stack.twilio.sent).toHaveLength(1);
      expect(stack.openai.requests).toHaveLength(2);
    } finally {
      await first.kill();
      await second?.kill();
    }
  }, 120_000);
});

async function waitUntilRecorded(stack: Stack, from: string, count: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while ((await inboundBodies(stack, from)).length < count) {
    if (Date.now() > deadline) throw new Error(`${count} messages were not recorded`);
    await pause(100);
  }
}

describe('Postgres unreachable for a few seconds', () => {
  let proxy: TcpProxy;
  let stack: Stack;
  beforeAll(async () => {
    const target = new URL(inject('databaseUrl'));
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(target);
    viaProxy.port = String(proxy.port);
    stack = await startStack({ BATCH_QUIET_MS: '300' }, { databaseUrl: viaProxy.toString() });
    await resetDatabase(stack.db);
  });
  afterAll(async () => {
    await stack?.stop();
    await proxy?.close();
  });

  it('retries until it is back: the message is recorded and answered once', async () => {
    stack.twilio.reset();
    const from = uniquePhone();
    // The first exchange also teaches the API which tenant owns the number.
    await stack.postSms(smsParams({ from, body: 'before' }));
    await stack.settled(from);

    await proxy.cut();
    expect((await stack.postSms(smsParams({ from, body: 'during the outage' }))).status).toBe(200);
    // A few seconds of outage, during which the message waits in Temporal and its recording retries.
    await pause(4000);
    expect(stack.twilio.sent).toHaveLength(1);
    await proxy.restore();

    const sent = await stack.twilio.waitForSent(2, 60_000);
    expect(sent[1]).toMatchObject({ to: from, body: 'echo: during the outage' });
    await stack.settled(from);
    expect(stack.twilio.sent).toHaveLength(2);
    expect(await inboundBodies(stack, from)).toEqual(['before', 'during the outage']);
  }, 120_000);

  it('sends once when the database goes away right after Twilio accepted the message', async () => {
    stack.twilio.reset();
    // The moment Twilio takes the message, the service can no longer record that it did.
    stack.twilio.onSent = () => {
      stack.twilio.onSent = null;
      void proxy.cut().then(() => setTimeout(() => void proxy.restore(), 3000));
    };
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'just once' }));
    await stack.twilio.waitForSent(1);
    await expect.poll(() => proxy.accepting, { timeout: 10_000 }).toBe(true);
    await stack.settled(from);
    expect(stack.twilio.sent.map((m) => m.body)).toEqual(['echo: just once']);
    const rows = await stack.db
      .selectFrom('messages')
      .select(['provider_message_id', 'status'])
      .where('conversation_id', '=', conversationWorkflowId({ tenantId: 'default', contactKey: from }))
      .where('direction', '=', 'outbound')
      .execute();
    expect(rows).toEqual([{ provider_message_id: stack.twilio.sent[0]?.sid, status: 'queued' }]);
  }, 120_000);
});
