import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestDocument, textDocument } from '../../activities/knowledge/ingest-document';
import { defaultServiceTexts } from '../../domain/texts';
import { startFakeCompanyApi, type FakeCompanyApi } from '../fakes/company-api';
import { useBrowser } from '../support/browser';
import { resetDatabase, smsParams, startStack, uniquePhone, type Stack } from '../support/stack';
import { newVisitorSays } from '../support/web-visitor';

/**
 * The agent console in a real Chromium (Debian's, installed by .ci/run; CHROMIUM_PATH overrides), against the whole
 * service: a customer's message becomes a handoff that appears without reload, the agent claims, replies and
 * resolves, and the AI answers the customer's next message.
 */
const screenshotDir = new URL('../../test-results/', import.meta.url);

let stack: Stack;
let company: FakeCompanyApi;

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  stack = await startStack({ BATCH_QUIET_MS: '200', TOOLS_ALLOW_PRIVATE_URLS: 'true' });
  company = await startFakeCompanyApi();
});
beforeEach(async () => {
  await resetDatabase(stack.db);
  stack.openai.reset();
  stack.twilio.reset();
});
afterAll(async () => {
  await stack?.stop();
  await company?.close();
});
const { page: freshPage } = useBrowser();

/** The console, signed in as the stack's agent. */
async function signedIn(): Promise<Page> {
  const page = await freshPage({ width: 1280, height: 720 });
  await page.goto(`${stack.apiUrl}/console`);
  await page.getByLabel('Agent token').fill(stack.agentToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#live', { hasText: 'live' }).waitFor();
  return page;
}

describe('agent console', () => {
  it('takes a handoff from queue to resolution without a reload', async () => {
    const page = await freshPage({ width: 1280, height: 720 });
    const failedRequests: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(`${stack.apiUrl}/console`);
    // Before signing in, only the sign-in card shows.
    expect(await page.locator('#workspace').isVisible()).toBe(false);
    expect(await page.getByLabel('Agent token').isVisible()).toBe(true);
    await page.getByLabel('Agent token').fill('agt_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.locator('#sign-in-error').textContent()).toContain('not accepted');

    expect(failedRequests.filter((r) => !r.includes('/api/me'))).toEqual([]);
    await page.getByLabel('Agent token').fill(stack.agentToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#live', { hasText: 'live' }).waitFor();
    expect(await page.locator('#whoami').textContent()).toContain('Test agent');
    expect(await page.locator('#budget').isVisible()).toBe(false);

    // A customer asks for a person; the task appears on its own.
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'wants to change a delivery address' } }] });
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'Can a person change my delivery address?' }));
    const item = page.locator('[data-testid^="handoff-"]', { hasText: from });
    await item.waitFor({ timeout: 20_000 });
    expect(await item.textContent()).toContain('wants to change a delivery address');
    await item.click();
    await page.locator('[data-testid="messages"] li', { hasText: defaultServiceTexts.handoffAck }).waitFor();

    await page.getByRole('button', { name: 'Claim' }).click();
    await page.getByLabel('Reply to the customer').waitFor();
    await page.getByLabel('Reply to the customer').fill('Hi, this is Test agent. What is the new address?');
    await page.getByRole('button', { name: 'Send reply' }).click();
    const [, agentReply] = await stack.twilio.waitForSent(2);
    expect(agentReply).toMatchObject({ to: from, body: 'Hi, this is Test agent. What is the new address?' });

    // The customer's answer shows up in the open conversation, live; the AI stays silent.
    await stack.postSms(smsParams({ from, body: '12 Harbour Street, Vancouver' }));
    await page.locator('[data-testid="messages"] li', { hasText: '12 Harbour Street' }).waitFor({ timeout: 20_000 });
    expect(stack.twilio.sent).toHaveLength(2);

    await page.screenshot({ path: new URL('console.png', screenshotDir).pathname, fullPage: true });

    await page.getByLabel('Note for the AI (not sent to the customer)').fill('Address changed to 12 Harbour Street.');
    await page.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => page.locator('[data-testid^="handoff-"]').count(), { timeout: 20_000 }).toBe(0);
    await page.locator('[data-testid="messages"] li', { hasText: 'Address changed to 12 Harbour Street.' }).waitFor();

    // Back with the AI: the next message is answered by it.
    await stack.postSms(smsParams({ from, body: 'Great, thank you!' }));
    const sent = await stack.twilio.waitForSent(3);
    expect(sent[2]).toMatchObject({ to: from, body: 'echo: Great, thank you!' });
  });

  it("shows the documents an AI reply cited, and marks one that cited none", async () => {
    await ingestDocument(stack.db, null, textDocument('default', { title: 'Delivery', url: 'https://shop.example/delivery', body: 'Express delivery arrives the next business day.' }));
    stack.openai.script(
      { toolCalls: [{ name: 'search_knowledge', arguments: { query: 'express delivery' } }] },
      { content: 'Express arrives the next business day [1].' },
      { content: 'Yes, we ship to the moon.' },
      { toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'wants a person' } }] },
    );
    const from = uniquePhone();
    for (const [n, body] of ['How fast is express?', 'Do you ship to the moon?', 'A person, please'].entries()) {
      await stack.postSms(smsParams({ from, body }));
      await stack.twilio.waitForSent(n + 1);
      await stack.settled(from);
    }
    const page = await signedIn();
    await page.locator('[data-testid^="handoff-"]', { hasText: from }).click();
    const cited = page.locator('[data-testid="messages"] li', { hasText: 'Express arrives the next business day.' });
    await cited.waitFor();
    expect(await cited.locator('.sources').textContent()).toBe('Sources: Delivery');
    expect(await cited.locator('.sources a').getAttribute('href')).toBe('https://shop.example/delivery');
    const unsourced = page.locator('[data-testid="messages"] li', { hasText: 'Yes, we ship to the moon.' });
    expect(await unsourced.locator('.sources.unsourced').textContent()).toContain('No source');
    expect(await page.locator('[data-testid="messages"] li', { hasText: 'A person, please' }).locator('.sources').count()).toBe(0);
  });

  it('lists the questions the knowledge base did not answer, and turns one into a document with the agent answer as its draft', async () => {
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'asks about gift wrapping' } }] });
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'Do you gift wrap?' }));
    await stack.twilio.waitForSent(1);
    await stack.settled(from);
    const task = await stack.db.selectFrom('handoff_tasks').select('id').executeTakeFirstOrThrow();
    await stack.api(`/api/handoffs/${task.id}/claim`, { method: 'POST', body: '{}' });
    await stack.api(`/api/handoffs/${task.id}/reply`, { method: 'POST', body: JSON.stringify({ body: 'Yes, gift wrapping is free at the till.' }) });

    const page = await signedIn();
    const gap = page.locator('[data-testid="gap-0"]');
    await gap.waitFor();
    expect(await gap.locator('strong').textContent()).toBe('Do you gift wrap?');
    await gap.getByRole('button', { name: 'Turn into a document' }).click();
    expect(await page.getByLabel('Title of the new document').inputValue()).toBe('Do you gift wrap?');
    expect(await page.getByLabel("What it says (an agent's answer as the draft)").inputValue()).toBe('Yes, gift wrapping is free at the till.');
    await page.getByLabel('Title of the new document').fill('Gift wrapping');
    await page.getByRole('button', { name: 'Add to the knowledge base' }).click();
    await expect.poll(() => page.locator('#gap-form').isVisible()).toBe(false);
    const added = await stack.db.selectFrom('knowledge_documents').select(['title', 'body']).executeTakeFirstOrThrow();
    expect(added).toEqual({ title: 'Gift wrapping', body: 'Yes, gift wrapping is free at the till.' });
  });

  it('opens a replay report from the list of replays', async () => {
    const answer = (text: string) => ({ text, outcome: 'answered', sources: [], costUsd: 0.0001, latencyMs: 700, model: 'gpt-4o-mini', tools: [] });
    const { id } = await stack.db
      .insertInto('replays')
      .values({ tenant_id: 'default', status: 'done', variant: JSON.stringify({ systemPrompt: 'Be brief.' }), from_date: '2026-11-28', to_date: '2026-11-29', judge_model: null, conversation_ids: ['c1'], done: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await stack.db
      .insertInto('replay_turns')
      .values({ replay_id: id, conversation_id: 'c1', position: 0, asked_at: new Date(), question: 'Do you open on Sundays?', recorded: JSON.stringify(answer('No, we are closed on Sundays.')), variant: JSON.stringify(answer('Closed Sundays.')), changed: true })
      .execute();
    const page = await signedIn();
    const item = page.locator(`[data-testid="replay-${id}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain('2026-11-28 to 2026-11-29');
    const [report] = await Promise.all([page.waitForEvent('popup'), item.getByRole('button', { name: 'Open report' }).click()]);
    await report.getByRole('heading', { name: 'Replay of 2026-11-28 to 2026-11-29' }).waitFor();
    expect(await report.locator('tbody tr').first().textContent()).toContain('Closed Sundays.');
  });

  it('shows a call put through to a person as part of its conversation', async () => {
    const page = await signedIn();
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'caller wants a person' } }] });
    const from = uniquePhone();
    const caller = stack.caller(from);
    await caller.ring();
    await caller.connect();
    caller.say('Can I speak to a person please?');
    await caller.reply();
    const handoffData = await caller.ended();
    await caller.hangUp({ status: 'ended', handoffData });

    const item = page.locator('[data-testid^="handoff-"]', { hasText: from });
    await item.waitFor({ timeout: 20_000 });
    expect(await item.textContent()).toContain('voice');
    await item.click();
    await page.locator('[data-testid="call"]', { hasText: 'put through to a person' }).waitFor();
    const said = page.locator('[data-testid="messages"] li[data-author="customer"]', { hasText: 'Can I speak to a person please?' });
    await said.waitFor();
    expect(await said.textContent()).toContain('Customer · Call');
    await page.screenshot({ path: new URL('console-call.png', screenshotDir).pathname, fullPage: true });
  });

  it('shows an action waiting for approval with its arguments in words, and approves it once', async () => {
    company.reset();
    await stack.api('/api/tools', {
      method: 'POST',
      body: JSON.stringify({
        name: 'refund_order',
        description: 'Refund an order',
        url: `${company.url}/refunds`,
        method: 'POST',
        parameters: { type: 'object', properties: { order_id: { type: 'string' }, amount: { type: 'number' } }, required: ['order_id', 'amount'] },
        effect: 'write',
        approval: true,
        secret: company.secret,
      }),
    });
    const page = await signedIn();
    stack.openai.script({ toolCalls: [{ name: 'refund_order', arguments: { order_id: 'A-1001', amount: 20 } }] }, { content: 'A person is checking.' }, { content: 'Refunded.' });
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'Refund order A-1001 please' }));
    const item = page.locator('[data-testid^="approval-"]');
    await item.waitFor({ timeout: 20_000 });
    expect(await item.textContent()).toContain('order id: A-1001, amount: 20');
    expect(await item.textContent()).toContain(from);
    await item.getByLabel('Note on refund_order').fill('checked the order');
    await item.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.locator('[data-testid^="approval-"]').count(), { timeout: 20_000 }).toBe(0);
    const sent = await stack.twilio.waitForSent(2);
    expect(sent[1]).toMatchObject({ to: from, body: 'Refunded.' });
    expect(company.requests).toHaveLength(1);
    expect(await page.locator('#approvals-empty').isVisible()).toBe(true);
  });

  it('warns when most of the monthly AI budget is used', async () => {
    await stack.db.updateTable('tenants').set({ monthly_token_budget: 1000 }).where('id', '=', 'default').execute();
    await stack.db.insertInto('model_calls').values({ tenant_id: 'default', conversation_id: null, purpose: 'reply', provider: 'test', model: 'm', prompt_tokens: 800, completion_tokens: 50, latency_ms: 1, cost_usd: 0 }).execute();
    const page = await signedIn();
    await expect.poll(() => page.locator('#budget').textContent()).toBe('85 % of the monthly AI budget is used.');
  });
});

describe('the inbox', () => {
  const row = (page: Page, contactKey: string) => page.locator(`[data-testid="conversation-${contactKey}"]`);
  const timelineItem = (page: Page, text: string) => page.locator('[data-testid="messages"] li', { hasText: text });

  it('lists every conversation live as an SMS, a call and a web chat arrive, and finds a person by number and by a word', async () => {
    const page = await signedIn();
    await page.locator('#inbox-empty').waitFor();

    const texter = uniquePhone();
    stack.openai.script({ content: 'Yes, kayaks are 40 dollars a day.' });
    await stack.postSms(smsParams({ from: texter, body: 'Do you rent kayaks?' }));
    await row(page, texter).waitFor({ timeout: 20_000 });
    await stack.twilio.waitForSent(1);

    const caller = stack.caller(uniquePhone());
    await caller.ring();
    await caller.connect();
    caller.say('What time do you open?');
    await caller.reply();
    await caller.hangUp();
    await row(page, caller.options.from).waitFor({ timeout: 20_000 });

    const chat = await newVisitorSays(stack, 'Hello from the website');
    await chat.text();
    const web = page.locator('[data-testid^="conversation-web:"]');
    await web.waitFor({ timeout: 20_000 });
    // Newest activity first, without a reload.
    await expect.poll(() => page.locator('[data-testid="inbox"] .inbox-item').first().textContent()).toContain('Web chat');
    expect(await page.locator('[data-testid="inbox"] .inbox-item').count()).toBe(3);
    expect(await row(page, texter).textContent()).toContain('AI: Yes, kayaks are 40 dollars a day.');
    await page.screenshot({ path: new URL('console-inbox.png', screenshotDir).pathname });

    // A number in any format, and a word the person wrote.
    const digits = texter.slice(-10);
    await page.getByLabel('Search conversations').fill(`(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`);
    await expect.poll(() => page.locator('[data-testid="inbox"] .inbox-item').count()).toBe(1);
    expect(await page.locator('[data-testid="inbox"] .inbox-item').first().getAttribute('data-testid')).toBe(`conversation-${texter}`);
    await page.getByLabel('Search conversations').fill('kayak');
    await expect.poll(() => page.locator('[data-testid="inbox"] .inbox-item').first().getAttribute('data-testid')).toBe(`conversation-${texter}`);
    expect(await page.locator('[data-testid="inbox"] .inbox-item').count()).toBe(1);
    await page.getByLabel('Search conversations').fill('');
    await expect.poll(() => page.locator('[data-testid="inbox"] .inbox-item').count()).toBe(3);

    // j and k move through the list.
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('j');
    await expect.poll(() => page.locator('[data-testid="inbox"] .inbox-item[aria-current="true"]').count()).toBe(1);
    await page.keyboard.press('j');
    await expect.poll(() => page.locator('#conversation-title').textContent()).toContain(caller.options.from);
    await page.keyboard.press('k');
    await expect.poll(() => page.locator('#conversation-title').textContent()).toContain('web:');
  });

  it('shows a call with its summary; sends an SMS, an edited draft and a call from the timeline; an opted-out person is not texted', async () => {
    const page = await signedIn();
    const caller = stack.caller(uniquePhone());
    const from = caller.options.from;
    await caller.ring();
    await caller.connect();
    caller.say('I would like to book a kayak for Saturday.');
    await caller.reply();
    await caller.hangUp();
    await row(page, from).click({ timeout: 20_000 });
    const call = page.locator('[data-testid="call"]').first();
    await call.locator('[data-testid="call-summary"]').waitFor({ timeout: 20_000 });
    expect(await call.locator('li[data-author="customer"]').textContent()).toContain('I would like to book a kayak for Saturday.');
    expect(await call.locator('li[data-author="ai"]').textContent()).toContain('echo: I would like to book a kayak for Saturday.');

    await page.getByLabel('By', { exact: true }).selectOption('sms');
    await page.getByLabel('Message', { exact: true }).fill('We have a kayak for you on Saturday.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await timelineItem(page, 'We have a kayak for you on Saturday.').waitFor();
    expect(stack.twilio.sent.at(-1)).toMatchObject({ to: from, body: 'We have a kayak for you on Saturday.' });

    stack.openai.script({ content: 'Hi! Your kayak is booked for Saturday at 9.' });
    await page.getByRole('button', { name: 'Draft with the assistant' }).click();
    await expect.poll(() => page.getByLabel('Message', { exact: true }).inputValue()).toBe('Hi! Your kayak is booked for Saturday at 9.');
    await page.getByLabel('Message', { exact: true }).fill('Hi! Your kayak is booked for Saturday at 9. Bring a towel.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await timelineItem(page, 'Bring a towel.').waitFor();
    expect(stack.twilio.sent.at(-1)?.body).toBe('Hi! Your kayak is booked for Saturday at 9. Bring a towel.');

    await page.getByRole('button', { name: 'Call', exact: true }).click();
    await expect.poll(() => page.locator('[data-testid="call"]').count(), { timeout: 20_000 }).toBe(2);
    expect(await page.locator('[data-testid="call"]').last().textContent()).toContain('Call · outbound');
    await page.screenshot({ path: new URL('console-timeline.png', screenshotDir).pathname });

    await stack.postSms(smsParams({ from, body: 'STOP' }));
    await expect.poll(() => row(page, from).textContent(), { timeout: 20_000 }).toContain('Opted out');
    await page.getByLabel('Message', { exact: true }).fill('One more thing');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.locator('#action-error').textContent()).toContain('opted out of sms');
    expect(await page.locator('[data-testid="contact-facts"]').textContent()).toContain('SMS (STOP');
  });

  it('takes over a conversation nobody handed over, silencing the assistant, and gives it back', async () => {
    const page = await signedIn();
    const from = uniquePhone();
    stack.openai.script({ content: 'Hello! How can I help?' });
    await stack.postSms(smsParams({ from, body: 'hi' }));
    await row(page, from).click({ timeout: 20_000 });
    await timelineItem(page, 'Hello! How can I help?').waitFor({ timeout: 20_000 });
    await stack.settled(from);

    await page.getByRole('button', { name: 'Take over' }).click();
    await expect.poll(() => page.locator('#held-by').textContent()).toContain('You have this conversation');
    await expect.poll(() => row(page, from).textContent()).toContain('With a person');
    const asked = stack.openai.requests.length;
    await stack.postSms(smsParams({ from, body: 'is anyone there?' }));
    await timelineItem(page, 'is anyone there?').waitFor({ timeout: 20_000 });
    await stack.settled(from);
    expect(stack.openai.requests).toHaveLength(asked);
    expect(stack.twilio.sent).toHaveLength(1);

    // The agent answers in their own words; then e gives the conversation back.
    await page.getByLabel('Reply to the customer').fill('Yes, I am here. How can I help?');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await timelineItem(page, 'Yes, I am here.').waitFor();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('e');
    await expect.poll(() => page.getByRole('button', { name: 'Give back' }).isVisible()).toBe(false);
    await expect.poll(() => row(page, from).textContent()).toContain('AI answering');

    stack.openai.script({ content: 'The assistant again.' });
    await stack.postSms(smsParams({ from, body: 'thanks' }));
    await timelineItem(page, 'The assistant again.').waitFor({ timeout: 20_000 });
    expect(stack.twilio.sent.map((m) => m.body)).toEqual(['Hello! How can I help?', 'Yes, I am here. How can I help?', 'The assistant again.']);
  });

  it('shows analytics that match a seeded set of conversations, and opens the ones behind a figure', async () => {
    const page = await signedIn();
    await seedAnalytics(stack);
    await page.getByRole('button', { name: 'Analytics' }).click();
    await page.getByLabel('First day').fill('2026-11-02');
    await page.getByLabel('Last day').fill('2026-11-03');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    const figure = (name: string) => page.locator(`[data-testid="analytics-${name}"]`).textContent();
    await expect.poll(() => figure('conversations')).toBe('3');
    expect(await figure('messages-in')).toBe('4');
    expect(await figure('messages-out')).toBe('4');
    expect(await figure('assistant-share')).toBe('75%');
    expect(await figure('first-response-p50')).toBe('30 s');
    expect(await figure('handoff-wait-p50')).toBe('2 min');
    expect(await figure('calls-count')).toBe('1');
    expect(await figure('calls-average')).toBe('90 s');
    expect(await page.locator('[data-testid="analytics-table-conversations"]').textContent()).toContain('2026-11-02');
    await page.screenshot({ path: new URL('console-analytics.png', screenshotDir).pathname, fullPage: true });

    // The handoff reason's conversation opens in the inbox.
    await page.locator('[data-testid="analytics-unanswered-0"]').getByRole('button').click();
    await expect.poll(() => page.locator('[data-testid="inbox"] .inbox-item').count()).toBe(1);
    expect(await page.locator('#inbox-subset').textContent()).toContain('refund');
  });

  it('shows a reply as the assistant writes it, and a call in progress turn by turn', async () => {
    const page = await signedIn();
    // A web visitor with a session of their own, writing twice.
    const { widget_key: widgetKey } = await stack.db.selectFrom('tenants').select('widget_key').where('id', '=', 'default').executeTakeFirstOrThrow();
    const opened = await fetch(`${stack.apiUrl}/api/chat/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ widgetKey }) });
    const session = (await opened.json()) as { sessionId: string; token: string };
    const say = (n: number, text: string) =>
      fetch(`${stack.apiUrl}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
        body: JSON.stringify({ id: session.sessionId, trigger: 'submit-message', messages: [{ id: `u${n}`, role: 'user', parts: [{ type: 'text', text }] }] }),
      }).then((response) => response.text());
    stack.openai.script({ content: 'Hello there!' });
    await say(1, 'hi');
    await page.locator('[data-testid^="conversation-web:"]').click({ timeout: 20_000 });
    await timelineItem(page, 'Hello there!').waitFor();

    stack.openai.tokenDelayMs = 150;
    stack.openai.script({ content: 'We open every day from nine in the morning until six in the evening.' });
    const answered = say(2, 'When do you open?');
    const writing = page.locator('[data-testid="writing"]');
    await expect.poll(() => writing.textContent(), { timeout: 20_000 }).toContain('We open every day');
    expect(await writing.textContent()).not.toContain('six in the evening');
    await answered;
    await timelineItem(page, 'until six in the evening.').and(page.locator('[data-author="ai"]')).waitFor();
    await expect.poll(() => writing.count()).toBe(0);
    stack.openai.tokenDelayMs = 0;

    // A call's turns appear while it goes on.
    const caller = stack.caller(uniquePhone());
    await caller.ring();
    await caller.connect();
    caller.say('Is the cafe open today?');
    await caller.reply();
    await row(page, caller.options.from).click({ timeout: 20_000 });
    const call = page.locator('[data-testid="call"]');
    await call.locator('li[data-author="customer"]', { hasText: 'Is the cafe open today?' }).waitFor();
    expect(await call.locator('.who').first().textContent()).toContain('in progress');
    caller.say('And tomorrow?');
    await caller.reply();
    await call.locator('li[data-author="customer"]', { hasText: 'And tomorrow?' }).waitFor({ timeout: 20_000 });
    await caller.hangUp();
  });

  it('offers an approved WhatsApp template when the 24-hour window has closed, and sends it', async () => {
    const page = await signedIn();
    const from = uniquePhone();
    stack.openai.script({ content: 'Hello!' });
    await stack.postSms(smsParams({ from, body: 'hi' }));
    await row(page, from).click({ timeout: 20_000 });
    await timelineItem(page, 'Hello!').waitFor({ timeout: 20_000 });
    await page.getByLabel('Name', { exact: true }).fill('Ana');
    await page.getByRole('button', { name: 'Save contact' }).click();
    await expect.poll(() => page.locator('#contact-status').textContent()).toBe('Saved.');

    await page.getByLabel('By', { exact: true }).selectOption('whatsapp');
    await page.getByLabel('Message', { exact: true }).fill('Your order shipped.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.locator('#action-error').textContent()).toContain('they have never written on WhatsApp');
    await page.getByLabel('Template', { exact: true }).selectOption({ label: 'appointment_reminder (en)' });
    expect(await page.getByLabel('Value 1').inputValue()).toBe('Ana');
    await page.getByLabel('Value 2').fill('Friday at 10:00');
    await expect.poll(() => page.locator('#template-preview').textContent()).toBe('Hi Ana, a reminder of your appointment on Friday at 10:00. Reply to this message to change it.');
    await page.getByRole('button', { name: 'Send template' }).click();
    await page.locator('[data-testid="messages"] li[data-channel="whatsapp"]', { hasText: 'a reminder of your appointment on Friday at 10:00' }).waitFor();
    expect(stack.twilio.sent.at(-1)).toMatchObject({ to: `whatsapp:${from}`, contentSid: 'HX0f4a5e2d1c3b4a59687766554433aa02' });
  });

  it("shows a campaign's progress as it goes out, and pauses, resumes and cancels it", async () => {
    const sender = '+15005550006';
    expect((await stack.api('/api/settings/numbers', { method: 'POST', body: JSON.stringify({ number: sender }) })).status).toBe(201);
    const created = await stack.api('/api/settings/projects', { method: 'POST', body: JSON.stringify({ name: 'Winter menu', senderNumber: sender }) });
    const { project } = (await created.json()) as { project: { id: string } };
    const audience = [...Array.from({ length: 6 }, () => ({ phone: uniquePhone() })), { phone: 'not a number' }];
    const started = await stack.api('/api/campaigns', { method: 'POST', body: JSON.stringify({ project: project.id, channel: 'sms', template: { body: 'Our winter menu is out.' }, audience, ratePerSecond: 0.5 }) });
    expect(started.status).toBe(201);
    const { campaign } = (await started.json()) as { campaign: { id: string } };

    const page = await signedIn();
    const item = page.locator(`[data-testid="campaign-${campaign.id}"]`);
    // Read again every few seconds while it goes out: the first message shows without a reload.
    await item.locator('.campaign-counts', { hasText: /^[1-5] of 6 written to/ }).waitFor({ timeout: 20_000 });
    expect(await item.textContent()).toContain('SMS from +15005550006');
    expect(await item.textContent()).toContain('1 skipped (0 repeated, 1 not numbers, 0 opted out)');

    await item.getByRole('button', { name: 'Pause' }).click();
    await item.locator('.campaign-status', { hasText: 'paused' }).waitFor();
    await item.getByRole('button', { name: 'Resume' }).click();
    await item.locator('.campaign-status', { hasText: 'sending' }).waitFor();
    await item.getByRole('button', { name: 'Cancel' }).click();
    await item.locator('.campaign-status', { hasText: 'cancelled' }).waitFor();
    expect(await item.getByRole('button').count()).toBe(0);
    const after = (await (await stack.api(`/api/campaigns/${campaign.id}`)).json()) as { campaign: { status: string; counts: { sent: number } } };
    expect(after.campaign.status).toBe('cancelled');
    expect(after.campaign.counts.sent).toBeLessThan(6);
    // A cancelled campaign's bar is full at what was written.
    expect(await item.locator('.campaign-counts').textContent()).toMatch(new RegExp(`^${after.campaign.counts.sent} of ${after.campaign.counts.sent} written to`));
  });

  it('works on a narrow screen', async () => {
    const page = await freshPage({ width: 390, height: 844 });
    await page.goto(`${stack.apiUrl}/console`);
    await page.getByLabel('Agent token').fill(stack.agentToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#live', { hasText: 'live' }).waitFor();
    const from = uniquePhone();
    stack.openai.script({ content: 'Hello!' });
    await stack.postSms(smsParams({ from, body: 'hi from a phone' }));
    await row(page, from).click({ timeout: 20_000 });
    await timelineItem(page, 'hi from a phone').waitFor();
    // Nothing wider than the screen: every control is reachable without scrolling sideways.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    for (const name of ['Take over', 'Call', 'Send', 'Analytics']) expect(await page.getByRole('button', { name, exact: true }).isVisible()).toBe(true);
    expect(await page.getByLabel('Search conversations').isVisible()).toBe(true);
  });
});

/**
 * Two days of a small business, written straight into the read model: 3 conversations (SMS, a call, web chat), 4
 * customer messages, 3 assistant replies and 1 agent's, one handoff claimed after 2 minutes, a 90-second call.
 */
async function seedAnalytics(stack: Stack): Promise<void> {
  const at = (iso: string) => new Date(iso);
  const conversation = async (key: string, channel: string, last: string) => {
    const id = `conversation:default:${key}`;
    await stack.db.insertInto('conversations').values({ id, tenant_id: 'default', contact_key: key, last_channel: channel, channels: [channel], last_message_at: at(last), message_count: 2 }).execute();
    return id;
  };
  const message = (id: string, conversationId: string, author: 'customer' | 'ai' | 'agent', channel: string, when: string) =>
    stack.db
      .insertInto('messages')
      .values({ id, conversation_id: conversationId, tenant_id: 'default', direction: author === 'customer' ? 'inbound' : 'outbound', author, channel, from_address: 'a', to_address: 'b', body: id, status: author === 'customer' ? 'received' : 'delivered', created_at: at(when) })
      .execute();
  const sms = await conversation('+16045550001', 'sms', '2026-11-02T10:01:00Z');
  await message('a1', sms, 'customer', 'sms', '2026-11-02T10:00:00Z');
  await message('a2', sms, 'ai', 'sms', '2026-11-02T10:00:30Z');
  const voice = await conversation('+16045550002', 'voice', '2026-11-02T11:00:30Z');
  await message('b1', voice, 'customer', 'voice', '2026-11-02T11:00:00Z');
  await message('b2', voice, 'ai', 'voice', '2026-11-02T11:00:30Z');
  await stack.db
    .insertInto('calls')
    .values({ call_sid: 'CA1', tenant_id: 'default', conversation_id: voice, contact_key: '+16045550002', direction: 'inbound', from_address: '+16045550002', to_address: '+15005550006', status: 'completed', duration_seconds: 90, started_at: at('2026-11-02T10:59:50Z') })
    .execute();
  const web = await conversation('web:seeded', 'web', '2026-11-03T09:05:00Z');
  await message('c1', web, 'customer', 'web', '2026-11-03T09:00:00Z');
  await message('c2', web, 'ai', 'web', '2026-11-03T09:00:30Z');
  await message('c3', web, 'customer', 'web', '2026-11-03T09:01:00Z');
  await message('c4', web, 'agent', 'web', '2026-11-03T09:04:00Z');
  await stack.db
    .insertInto('handoff_tasks')
    .values({ id: 'h1', tenant_id: 'default', conversation_id: web, reason: 'wants a refund', status: 'resolved', deadline: at('2026-11-03T10:00:00Z'), created_at: at('2026-11-03T09:01:00Z'), claimed_at: at('2026-11-03T09:03:00Z') })
    .execute();
}
