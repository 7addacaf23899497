import { describe, expect, it } from 'vitest';
import { createAgent } from '../../db/repositories/agents';
import { conversationWorkflowId } from '../../api/conversation-client';

import { defaultServiceTexts } from '../../domain/texts';
import { keepHistory } from '../support/histories';
import { smsParams, uniquePhone, type Stack, useStack } from '../support/stack';

let stack: Stack;
useStack((started) => (stack = started), { BATCH_QUIET_MS: '200' });

interface HandoffView {
  id: string;
  conversationId: string;
  reason: string;
  status: string;
  claimedBy: string | null;
}

async function handoffs(token?: string): Promise<HandoffView[]> {
  const response = await stack.api('/api/handoffs', { token });
  expect(response.status).toBe(200);
  return ((await response.json()) as { handoffs: HandoffView[] }).handoffs;
}

/** Waits for the one open handoff of the test and returns it. */
async function waitForHandoff(): Promise<HandoffView> {
  let found: HandoffView[] = [];
  await expect.poll(async () => (found = await handoffs()).length, { timeout: 20_000 }).toBe(1);
  return found[0] as HandoffView;
}

function post(path: string, body: unknown, token?: string) {
  return stack.api(path, { method: 'POST', body: JSON.stringify(body), token });
}

async function snapshot(from: string) {
  const id = encodeURIComponent(conversationWorkflowId({ tenantId: 'default', contactKey: from }));
  return ((await (await stack.api(`/api/conversations/${id}`)).json()) as { live: { mode: string } | null }).live;
}

describe('handoff to a human', () => {
  it('runs the whole life cycle: tool call, silence, claim, agent reply, resolve with a note, AI again', async () => {
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'asks for a refund over the limit' } }] });
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'I want my $900 back' }));
    const [ack] = await stack.twilio.waitForSent(1);
    expect(ack).toMatchObject({ to: from, body: defaultServiceTexts.handoffAck });

    const task = await waitForHandoff();
    expect(task).toMatchObject({ reason: 'asks for a refund over the limit', status: 'open', claimedBy: null });
    const attributes = (await stack.temporal.workflow.getHandle(task.conversationId).describe()).searchAttributes;
    expect(attributes).toMatchObject({ ConversationMode: ['handoff'], HandoffOpen: [true] });

    // While a person has it, the AI stays silent but the message is recorded.
    await stack.postSms(smsParams({ from, body: 'hello??' }));
    await stack.settled(from);
    expect(stack.twilio.sent).toHaveLength(1);
    expect(stack.openai.requests).toHaveLength(1);

    expect((await post(`/api/handoffs/${task.id}/reply`, { body: 'too early' })).status).toBe(409);
    const claim = await post(`/api/handoffs/${task.id}/claim`, {});
    expect(claim.status).toBe(200);
    expect((await handoffs())[0]).toMatchObject({ status: 'claimed', claimedByName: 'Test agent' });

    const reply = await post(`/api/handoffs/${task.id}/reply`, { body: 'Hi, I am Sam from billing. Refund approved.' });
    expect(reply.status).toBe(201);
    const [, agentMessage] = await stack.twilio.waitForSent(2);
    expect(agentMessage).toMatchObject({ to: from, body: 'Hi, I am Sam from billing. Refund approved.' });

    const resolve = await post(`/api/handoffs/${task.id}/resolve`, { note: 'Refund of $900 approved by billing.' });
    expect(resolve.status).toBe(200);
    await expect.poll(() => snapshot(from), { timeout: 10_000 }).toMatchObject({ mode: 'ai' });
    expect(await handoffs()).toEqual([]);
    const row = await stack.db.selectFrom('handoff_tasks').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'resolved', resolution_note: 'Refund of $900 approved by billing.' });

    await stack.postSms(smsParams({ from, body: 'thanks! when will it arrive?' }));
    const [, , aiAgain] = await stack.twilio.waitForSent(3);
    expect(aiAgain?.body).toBe('echo: thanks! when will it arrive?');
    const lastPrompt = stack.openai.requests.at(-1)?.messages.map((m) => m.content ?? '') ?? [];
    expect(lastPrompt.join('\n')).toContain('Refund of $900 approved by billing.');
    expect(lastPrompt.join('\n')).toContain('Hi, I am Sam from billing. Refund approved.');

    const messages = ((await (await stack.api(`/api/conversations/${encodeURIComponent(task.conversationId)}/messages`)).json()) as {
      messages: { author: string; direction: string }[];
    }).messages;
    expect(messages.map((m) => `${m.direction}:${m.author}`)).toEqual([
      'inbound:customer',
      'outbound:ai',
      'inbound:customer',
      'outbound:agent',
      'internal:agent',
      'inbound:customer',
      'outbound:ai',
    ]);
    await keepHistory('handoff-claimed-replied-resolved', stack.temporal.workflow.getHandle(task.conversationId));
  });

  it('gives a claimed task to one agent only: 409 for the other', async () => {
    const other = await createAgent(stack.db, { tenantId: 'default', name: 'Other agent' });
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'angry' } }] });
    await stack.postSms(smsParams({ from: uniquePhone(), body: 'this is unacceptable' }));
    const task = await waitForHandoff();
    const [first, second] = await Promise.all([
      post(`/api/handoffs/${task.id}/claim`, {}),
      post(`/api/handoffs/${task.id}/claim`, {}, other.token),
    ]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = first.status === 409 ? first : second;
    expect(((await loser.json()) as { error: { code: string } }).error.code).toBe('handoff_claimed');
    const winnerToken = first.status === 200 ? stack.agentToken : other.token;
    const loserToken = first.status === 200 ? other.token : stack.agentToken;
    expect((await post(`/api/handoffs/${task.id}/reply`, { body: 'mine' }, loserToken)).status).toBe(409);
    expect((await post(`/api/handoffs/${task.id}/resolve`, {}, loserToken)).status).toBe(409);
    expect((await post(`/api/handoffs/${task.id}/resolve`, {}, winnerToken)).status).toBe(200);
    expect((await post(`/api/handoffs/${task.id}/resolve`, {}, winnerToken)).status).toBe(409);
  });

  it('tells the agent in words why a reply did not go: the customer opted out', async () => {
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'billing question' } }] });
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'A person about my bill, please' }));
    const task = await waitForHandoff();
    await stack.postSms(smsParams({ from, body: 'STOP' }));
    await stack.settled(from);
    expect((await post(`/api/handoffs/${task.id}/claim`, {})).status).toBe(200);
    const reply = await post(`/api/handoffs/${task.id}/reply`, { body: 'Hi, about your bill…' });
    expect(reply.status).toBe(422);
    expect(await reply.json()).toEqual({ error: { code: 'not_sent', message: expect.stringContaining('opted out of sms') } });
    // The task is still the agent's: they can resolve it.
    expect((await post(`/api/handoffs/${task.id}/resolve`, { action: 'close' })).status).toBe(200);
  });

  it('hands over when the model stays down, and lets an operator request a handoff', async () => {
    const down = { error: { status: 500, message: 'The server had an error' } };
    stack.openai.script(down, down, down, down);
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'hello?' }));
    const [fallback] = await stack.twilio.waitForSent(1, 30_000);
    expect(fallback).toMatchObject({ to: from, body: defaultServiceTexts.fallback });
    const task = await waitForHandoff();
    expect(task.reason).toContain('model stayed unavailable');
    await post(`/api/handoffs/${task.id}/claim`, {});
    await post(`/api/handoffs/${task.id}/resolve`, { action: 'return_to_ai' });
    await expect.poll(() => snapshot(from), { timeout: 10_000 }).toMatchObject({ mode: 'ai' });

    const requested = await post(`/api/conversations/${encodeURIComponent(task.conversationId)}/handoff`, { reason: 'VIP customer' });
    expect(requested.status).toBe(202);
    const second = await waitForHandoff();
    expect(second.reason).toBe('VIP customer');
    const [, ack] = await stack.twilio.waitForSent(2);
    expect(ack).toMatchObject({ to: from, body: defaultServiceTexts.handoffAck });
  });

  it('keeps tenants apart: an agent never sees or acts on another tenant', async () => {
    await stack.db.insertInto('tenants').values({ id: 'acme', name: 'Acme', system_prompt: '' }).execute();
    const outsider = await createAgent(stack.db, { tenantId: 'acme', name: 'Acme agent' });
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'needs a person' } }] });
    await stack.postSms(smsParams({ from: uniquePhone(), body: 'help me please, a person' }));
    const task = await waitForHandoff();

    expect(await handoffs(outsider.token)).toEqual([]);
    const list = (await (await stack.api('/api/conversations', { token: outsider.token })).json()) as { conversations: unknown[] };
    expect(list.conversations).toEqual([]);
    const id = encodeURIComponent(task.conversationId);
    expect((await stack.api(`/api/conversations/${id}`, { token: outsider.token })).status).toBe(404);
    expect((await stack.api(`/api/conversations/${id}/messages`, { token: outsider.token })).status).toBe(404);
    expect((await post(`/api/conversations/${id}/handoff`, { reason: 'x' }, outsider.token)).status).toBe(404);
    // The inbox's routes too: the timeline, the contact, the live reply, taking over, giving back, drafting.
    for (const path of ['timeline', 'contact', 'stream']) expect((await stack.api(`/api/conversations/${id}/${path}`, { token: outsider.token })).status, path).toBe(404);
    expect((await stack.api(`/api/conversations/${id}/contact`, { method: 'PATCH', body: '{"note":"x"}', token: outsider.token })).status).toBe(404);
    for (const action of ['takeover', 'giveback', 'draft']) expect((await post(`/api/conversations/${id}/${action}`, {}, outsider.token)).status, action).toBe(404);
    expect(((await (await stack.api(`/api/conversations?ids=${id}`, { token: outsider.token })).json()) as { conversations: unknown[] }).conversations).toEqual([]);
    expect(((await (await stack.api('/api/analytics', { token: outsider.token })).json()) as { totals: { conversations: number } }).totals.conversations).toBe(0);
    for (const [action, body] of [['claim', {}], ['reply', { body: 'x' }], ['resolve', { action: 'close' }]] as const) {
      const response = await post(`/api/handoffs/${task.id}/${action}`, body, outsider.token);
      expect(response.status, action).toBe(404);
    }
    expect((await handoffs())[0]).toMatchObject({ status: 'open', claimedBy: null });
  });

  it('refuses agent routes without a valid token', async () => {
    for (const path of ['/api/handoffs', '/api/conversations', '/api/me', '/api/events']) {
      const response = await fetch(`${stack.apiUrl}${path}`);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
      expect((await stack.api(path, { token: 'agt_forged' })).status).toBe(401);
    }
  });

  it('streams changes to agents as server-sent events', async () => {
    const controller = new AbortController();
    const response = await stack.api('/api/events', { signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const read = (async () => {
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) return;
        text += decoder.decode(chunk.value);
      }
    })().catch(() => undefined);
    await expect.poll(() => text).toContain('event: ready');
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'streamed' } }] });
    await stack.postSms(smsParams({ from: uniquePhone(), body: 'a person please' }));
    await expect.poll(() => text, { timeout: 20_000 }).toContain('event: handoff');
    expect(text).toContain('event: message');
    expect(text).toContain('"status":"open"');
    controller.abort();
    await read;
  });
});
