import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';
import { demoAgentToken, seedDemoKnowledge } from '../../devkit/demo-data';
import { ingestProgress } from '../../db/repositories/knowledge-ingests';
import { resetDatabase, startStack, type Stack } from '../support/stack';
import { freePort } from '../../devkit/free-port';

/**
 * What `npm start` gives a new user, on the real stack: no model (OPENAI_API_KEY unset), the demo knowledge, a Twilio
 * sandbox that posts signed delivery callbacks to the service, and a demo agent token that survives restarts.
 */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The `npm run sms -- <from> "<text>"` lines of the README's try-it block. */
const tryIt = [...readme.matchAll(/^npm run sms -- (\S+) "([^"]+)"/gm)].map((m) => ({ from: m[1] ?? '', body: m[2] ?? '' }));

let stack: Stack;

beforeAll(async () => {
  const port = await freePort();
  // A brisk speaking pace (10 words a second), so a spoken answer lasts long enough to cut in on.
  stack = await startStack(
    { OPENAI_API_KEY: '', OFFLINE_WORDS_PER_MINUTE: '600', PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` },
    { statusCallbacks: true },
  );
  await resetDatabase(stack.db);
  const run = await seedDemoKnowledge(stack.db, stack.temporal, stack.config.TEMPORAL_TASK_QUEUE, 'default');
  // The demo documents load as an ingestion run, as under npm start.
  for (const deadline = Date.now() + 60_000; run && (await ingestProgress(stack.db, 'default', run))?.status !== 'done'; ) {
    if (Date.now() > deadline) throw new Error('the demo knowledge did not load within 60 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
});
afterAll(async () => {
  await stack?.stop();
});

describe('trying it as the README says', () => {
  it('answers each try-it example from the demo knowledge, offline', async () => {
    expect(tryIt.map((t) => t.body)).toEqual(['What are your opening hours?', 'And do you deliver?']);
    const expected = [/open Monday to Friday from 9am to 6pm/, /Standard delivery takes 2 to 4 business days/];
    for (const [index, { from, body }] of tryIt.entries()) {
      const to = from.startsWith('whatsapp:') ? 'whatsapp:+15005550006' : '+15005550006';
      expect((await stack.postSms({ MessageSid: `SM${String(index).repeat(32)}`, From: from, To: to, Body: body, NumMedia: '0' })).status).toBe(200);
      await stack.settled(from.replace(/^whatsapp:/, ''));
      expect(stack.twilio.sent.at(-1)?.body).toMatch(expected[index] as RegExp);
    }
    expect(stack.twilio.sent.map((m) => m.to)).toEqual(tryIt.map((t) => t.from));
  });

  it('moves delivery statuses with the signed callbacks the sandbox posts, as Twilio would', async () => {
    const conversationId = conversationWorkflowId({ tenantId: 'default', contactKey: '+16045550100' });
    await expect
      .poll(
        async () =>
          (await stack.db.selectFrom('messages').select('status').where('conversation_id', '=', conversationId).where('direction', '=', 'outbound').execute()).map(
            (m) => m.status,
          ),
        { timeout: 10_000 },
      )
      .toEqual(['delivered', 'delivered']);
  });

  it('speaks an answer word by word without a model, and stops where the caller cuts in', async () => {
    const from = '+16045550177';
    const caller = stack.caller(from);
    await caller.ring();
    await caller.connect();
    caller.say('What are your opening hours?');
    const heard: string[] = [];
    await new Promise<void>((resolve) => {
      const stop = caller.listen((frame) => {
        if (frame.type !== 'text' || !frame.token) return;
        heard.push(String(frame.token));
        if (heard.length === 3) {
          stop();
          resolve();
        }
      });
    });
    caller.interrupt(heard.join(''));
    await caller.hangUp();
    await stack.settled(from);
    const spoken = await stack.db
      .selectFrom('messages')
      .select(['body', 'status'])
      .where('conversation_id', '=', conversationWorkflowId({ tenantId: 'default', contactKey: from }))
      .where('author', '=', 'ai')
      .execute();
    expect(spoken).toEqual([{ body: heard.join('').trim(), status: 'interrupted' }]);
    expect(heard.join('')).toBe('We are open ');
  });

  it('keeps the demo agent token across starts, and makes a new one if that agent is gone', async () => {
    const file = join(tmpdir(), `demo-agent-token-${process.pid}`);
    try {
      const first = await demoAgentToken(stack.db, 'default', file);
      expect(await demoAgentToken(stack.db, 'default', file)).toBe(first);
      expect((await stack.api('/api/me', { token: first })).status).toBe(200);
      await stack.db.deleteFrom('agents').where('name', '=', 'Demo agent').execute();
      const second = await demoAgentToken(stack.db, 'default', file);
      expect(second).not.toBe(first);
      expect(readFileSync(file, 'utf8').trim()).toBe(second);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
