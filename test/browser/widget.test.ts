import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useBrowser } from '../support/browser';
import { freePort } from '../../devkit/free-port';
import { resetDatabase, smsParams, startStack, textsCodes, type Stack } from '../support/stack';
import { ingestDocument, textDocument } from '../../activities/knowledge/ingest-document';

/**
 * The chat widget on the demo page, in a real Chromium against the whole service: a visitor chats, sees the reply
 * written word by word, finds the history after a reload, keeps chatting across a restart of the service, and gets a
 * person's reply while idle.
 */
const screenshotDir = new URL('../../test-results/', import.meta.url);

let stack: Stack;

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  // A fixed port, so the page keeps talking to the service across its restart.
  const port = await freePort();
  stack = await startStack({ PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` });
  await resetDatabase(stack.db);
});
afterEach(async (context) => {
  if (context.task.result?.state === 'fail') {
    // What the model was asked and what was recorded, for a failure's report.
    const asked = stack.openai.requests.map((r) => r.messages.filter((m) => m.role === 'user').at(-1)?.content);
    const recorded = await stack.db.selectFrom('messages').select(['author', 'body', 'status']).orderBy('created_at').execute();
    console.error('model asked:', JSON.stringify(asked), '\nrecorded:', JSON.stringify(recorded));
  }
  // Each test starts from nothing: no scripted reply left, no model pace, no changed tenant.
  stack.openai.reset();
  stack.twilio.reset();
  await resetDatabase(stack.db);
});
afterAll(async () => {
  await stack?.stop();
});
const { page: freshPage } = useBrowser();

/** A new visitor with the chat open on the demo page. */
async function newVisitor(): Promise<Page> {
  const visitor = await freshPage();
  await visitor.goto(`${stack.apiUrl}/demo`);
  await visitor.getByRole('button', { name: 'Chat with us' }).click();
  return visitor;
}

async function say(visitor: Page, text: string): Promise<void> {
  await visitor.getByLabel('Your message').fill(text);
  await visitor.getByLabel('Your message').press('Enter');
}

describe('the chat widget', () => {
  it('chats on any page: streamed replies, history after a reload, on across a restart, a person while idle', async () => {
    const page = await freshPage();
    const bubbles = (author: string) => page.locator(`dc-chat li.${author}`);
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(`${stack.apiUrl}/demo`);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByRole('dialog', { name: 'Chat' }).waitFor();

    // The reply grows as the model writes it.
    stack.openai.tokenDelayMs = 120;
    stack.openai.script({ content: 'Yes, we sell lamps in brass, glass and oak, from thirty dollars.' });
    await say(page, 'Do you sell lamps?');
    const reply = bubbles('ai').last();
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          seen.add((await reply.textContent().catch(() => '')) ?? '');
          return [...seen].at(-1);
        },
        { interval: 40, timeout: 20_000 },
      )
      .toBe('Yes, we sell lamps in brass, glass and oak, from thirty dollars.');
    expect([...seen].filter((text) => text && text !== 'Yes, we sell lamps in brass, glass and oak, from thirty dollars.').length).toBeGreaterThan(2);
    stack.openai.tokenDelayMs = 0;

    // After a reload the conversation is still there, once.
    await page.reload();
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await expect.poll(() => bubbles('customer').allTextContents()).toEqual(['Do you sell lamps?']);
    expect(await bubbles('ai').allTextContents()).toEqual(['Yes, we sell lamps in brass, glass and oak, from thirty dollars.']);

    // The service restarts (a deploy); the visitor goes on.
    await stack.restart();
    await say(page, 'Do you deliver?');
    await expect.poll(() => bubbles('ai').allTextContents(), { timeout: 30_000 }).toEqual([
      'Yes, we sell lamps in brass, glass and oak, from thirty dollars.',
      'echo: Do you deliver?',
    ]);

    // A person takes over; their reply arrives while the visitor is idle.
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'custom order' } }] });
    await say(page, 'Can someone make a custom lamp?');
    await page.locator('dc-chat li.notice', { hasText: 'A person from our team will reply here.' }).waitFor();
    // The agent works in the console: each side sees the other writing.
    const agent = await freshPage({ width: 1280, height: 800 });
    await agent.goto(`${stack.apiUrl}/console`);
    await agent.getByLabel('Agent token').fill(stack.agentToken);
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.locator('[data-testid^="handoff-"]', { hasText: 'web' }).click();
    await agent.locator('[data-testid="messages"] li[data-kind="visitor"]', { hasText: 'Web visitor · no details given' }).waitFor();
    await agent.getByRole('button', { name: 'Claim' }).click();
    await agent.getByLabel('Reply to the customer').waitFor();
    await agent.getByLabel('Reply to the customer').pressSequentially('Hi, I am Sam.');
    await page.locator('dc-chat .typing', { hasText: 'A person from our team is typing…' }).waitFor({ timeout: 10_000 });
    await page.getByLabel('Your message').pressSequentially('It is for');
    await agent.locator('#customer-typing', { hasText: 'The customer is typing…' }).waitFor({ timeout: 10_000 });
    await page.getByLabel('Your message').fill('');
    await agent.getByLabel('Reply to the customer').fill('Hi, I am Sam. Yes, we can: what size?');
    await agent.getByRole('button', { name: 'Send reply' }).click();
    await page.locator('dc-chat li.agent', { hasText: 'Hi, I am Sam. Yes, we can: what size?' }).waitFor({ timeout: 20_000 });
    expect(await page.locator('dc-chat .typing').textContent()).toBe('');
    expect(await page.locator('dc-chat li.agent .who').first().textContent()).toBe('A person from our team');
    expect(await bubbles('agent').count()).toBe(1);

    await page.screenshot({ path: new URL('widget.png', screenshotDir).pathname });
    // Requests refused while the service was down are the widget retrying; nothing else failed.
    expect(failed.filter((f) => !f.startsWith('5'))).toEqual([]);
  }, 120_000);

  it('sends a message written while the chat is still opening, once it is open', async () => {
    const visitor = await freshPage();
    // The service is slow to open the session: the visitor has written before it answers.
    let answerSession = () => {};
    const sessionHeld = new Promise<void>((resolve) => (answerSession = resolve));
    await visitor.route('**/api/chat/sessions', async (route) => {
      await sessionHeld;
      await route.continue();
    });
    await visitor.goto(`${stack.apiUrl}/demo`);
    await visitor.getByRole('button', { name: 'Chat with us' }).click();
    await say(visitor, 'Are you open on Sundays?');
    answerSession();
    await visitor.locator('dc-chat li.ai', { hasText: 'echo: Are you open on Sundays?' }).waitFor({ timeout: 20_000 });
    expect(await visitor.locator('dc-chat li.notice').allTextContents()).toEqual([]);
  }, 60_000);

  it('shows the buttons a reply carries: quick replies that answer with a tap, links that open a page', async () => {
    const visitor = await newVisitor();
    stack.openai.script({
      content: 'Two flats are free this month.',
      toolCalls: [
        {
          name: 'show_options',
          arguments: { quick_replies: ['Book a viewing', 'Show me more'], actions: [{ label: 'Flat on Elm Street', url: 'https://homes.example.com/listings/12' }] },
        },
      ],
    });
    await say(visitor, 'Any flats free?');
    const link = visitor.getByRole('link', { name: 'Flat on Elm Street' });
    await link.waitFor({ timeout: 20_000 });
    expect(await link.getAttribute('href')).toBe('https://homes.example.com/listings/12');
    expect(await link.getAttribute('target')).toBe('_blank');
    const suggested = visitor.getByRole('group', { name: 'Suggested replies' }).getByRole('button');
    await expect.poll(() => suggested.allTextContents()).toEqual(['Book a viewing', 'Show me more']);

    // Still there after a reload, from the history.
    await visitor.reload();
    await visitor.getByRole('button', { name: 'Chat with us' }).click();
    await visitor.getByRole('link', { name: 'Flat on Elm Street' }).waitFor();
    await expect.poll(() => suggested.allTextContents()).toEqual(['Book a viewing', 'Show me more']);

    await visitor.screenshot({ path: new URL('widget-buttons.png', screenshotDir).pathname });

    // A tap answers with that text; the suggestions go away.
    await visitor.getByRole('button', { name: 'Book a viewing' }).click();
    await visitor.locator('dc-chat li.customer', { hasText: 'Book a viewing' }).waitFor();
    await visitor.locator('dc-chat li.ai', { hasText: 'echo: Book a viewing' }).waitFor({ timeout: 20_000 });
    expect(await suggested.count()).toBe(0);
    expect(await visitor.getByLabel('Your phone number').isVisible()).toBe(false);
  }, 60_000);

  it('offers the pages a reply cited as links, with no citation markers in the text', async () => {
    await ingestDocument(stack.db, null, textDocument('default', { title: 'Delivery', url: 'https://shop.example/delivery', body: 'Express delivery arrives the next business day.' }));
    const visitor = await newVisitor();
    stack.openai.script({ toolCalls: [{ name: 'search_knowledge', arguments: { query: 'express delivery' } }] }, { content: 'Express arrives the next business day [1].' });
    await say(visitor, 'How fast is express?');
    const link = visitor.getByRole('link', { name: 'Delivery' });
    await link.waitFor({ timeout: 20_000 });
    expect(await link.getAttribute('href')).toBe('https://shop.example/delivery');
    expect(await visitor.locator('dc-chat li.ai').allTextContents()).toEqual([expect.stringContaining('Express arrives the next business day.')]);
    expect((await visitor.locator('dc-chat li.ai').allTextContents()).join('')).not.toContain('[1]');
  }, 60_000);

  it('lets the visitor write again while a reply is being written: the newer message supersedes it', async () => {
    const visitor = await newVisitor();
    stack.openai.tokenDelayMs = 150;
    stack.openai.script({ content: 'Our lamps come in many styles, sizes, colours and finishes, and all of them ship within a week of your order.' });
    await say(visitor, 'Tell me about lamps');
    await visitor.locator('dc-chat li.ai', { hasText: 'Our lamps' }).waitFor({ timeout: 20_000 });
    stack.openai.tokenDelayMs = 0;
    await say(visitor, 'Actually, only the oak ones');
    await visitor.locator('dc-chat li.ai', { hasText: 'echo: Actually, only the oak ones' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => visitor.locator('dc-chat li.ai').allTextContents()).toEqual(['echo: Actually, only the oak ones']);
    expect(await visitor.locator('dc-chat li.customer').allTextContents()).toEqual(['Tell me about lamps', 'Actually, only the oak ones']);
  }, 60_000);

  it("joins the visitor's SMS conversation once they prove their phone number", async () => {
    await textsCodes(stack.db);
    const phone = '+16045550199';
    await stack.postSms(smsParams({ from: phone, body: 'Hi, my order is 8812.' }));
    await stack.twilio.waitForSent(1);
    await stack.settled(phone);

    const visitor = await newVisitor();
    await visitor.getByRole('button', { name: 'Continue with your phone number' }).click();
    await visitor.getByLabel('Your phone number').fill(phone);
    await visitor.getByRole('button', { name: 'Send code' }).click();
    const sms = await stack.twilio.waitForSent(2);
    const code = /(\d{6})/.exec(sms.at(-1)?.body ?? '')?.[1] ?? '';
    expect(await visitor.locator('dc-chat li').count()).toBe(0);
    await visitor.getByLabel('The code we texted you').fill(code);
    await visitor.getByRole('button', { name: 'Verify' }).click();
    await visitor.locator('dc-chat li.customer', { hasText: 'Hi, my order is 8812.' }).waitFor();
    await say(visitor, 'Any news?');
    await visitor.locator('dc-chat li.ai', { hasText: 'echo: Any news?' }).waitFor({ timeout: 20_000 });
    const turn = stack.openai.requests.find((r) => r.messages.at(-1)?.content === 'Any news?');
    expect(turn?.messages.map((m) => m.content)).toEqual(expect.arrayContaining(['Hi, my order is 8812.']));
    // Back on the page later: still that conversation, and the widget knows the number is linked.
    await visitor.reload();
    await visitor.getByRole('button', { name: 'Chat with us' }).click();
    await visitor.locator('dc-chat li.ai', { hasText: 'echo: Any news?' }).waitFor();
    await visitor.locator('dc-chat .phone-status', { hasText: `Linked to your phone number ${phone}.` }).waitFor();
    expect(await visitor.getByRole('button', { name: 'Continue with your phone number' }).isHidden()).toBe(true);
  }, 60_000);
});

describe('the chat widget when things go wrong', () => {
  it('shows the model-down fallback once, live and after a reload', async () => {
    const visitor = await newVisitor();
    const down = { error: { status: 500, message: 'The server had an error' } };
    stack.openai.script(down, down, down, down);
    await say(visitor, 'Is anyone there?');
    const fallback = visitor.locator('dc-chat li', { hasText: "Sorry, I can't answer right now." });
    await fallback.first().waitFor({ timeout: 30_000 });
    // A person answers: their message comes on the live stream after anything the stream had before it.
    const agentSays = async (body: string) => {
      let tasks: { id: string }[] = [];
      await expect.poll(async () => (tasks = ((await (await stack.api('/api/handoffs')).json()) as { handoffs: { id: string }[] }).handoffs).length, { timeout: 10_000 }).toBe(1);
      const task = tasks[0]?.id ?? '';
      await stack.api(`/api/handoffs/${task}/claim`, { method: 'POST' });
      expect((await stack.api(`/api/handoffs/${task}/reply`, { method: 'POST', body: JSON.stringify({ body }) })).status).toBe(201);
      await visitor.locator('dc-chat li.agent', { hasText: body }).waitFor({ timeout: 20_000 });
    };
    await agentSays('Hi, Sam here.');
    expect(await fallback.count()).toBe(1);
    await visitor.reload();
    await visitor.getByRole('button', { name: 'Chat with us' }).click();
    await agentSays('Still with you.');
    expect(await fallback.count()).toBe(1);
  }, 60_000);

  it("keeps the newest reply's buttons in view", async () => {
    const visitor = await newVisitor();
    for (const question of ['Do you sell lamps?', 'In brass?', 'And oak?', 'How tall are they?', 'Do they dim?']) {
      await say(visitor, question);
      await visitor.locator('dc-chat li.ai', { hasText: `echo: ${question}` }).waitFor({ timeout: 20_000 });
    }
    stack.openai.script({
      content: 'Here are the two we have in oak, both dimmable.',
      toolCalls: [
        {
          name: 'show_options',
          arguments: {
            quick_replies: ['The tall one'],
            actions: [
              { label: 'Oak floor lamp', url: 'https://shop.example.com/oak-floor' },
              { label: 'Oak desk lamp', url: 'https://shop.example.com/oak-desk' },
            ],
          },
        },
      ],
    });
    await say(visitor, 'Show me the oak ones');
    await visitor.getByRole('link', { name: 'Oak desk lamp' }).waitFor({ timeout: 20_000 });
    // The list overflows, and it is scrolled to its end: the links under the newest reply show.
    const scrolledToEnd = () =>
      visitor
        .locator('dc-chat ol.messages')
        .evaluate((list: { scrollHeight: number; scrollTop: number; clientHeight: number }) => list.scrollHeight > list.clientHeight && list.scrollHeight - list.scrollTop - list.clientHeight < 2);
    await expect.poll(scrolledToEnd).toBe(true);
  }, 60_000);
});
