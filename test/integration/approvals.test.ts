import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';
import type { ApprovalList, ApprovalView } from '../../api/protocol/agent-api';
import { startFakeCompanyApi, type FakeCompanyApi } from '../fakes/company-api';
import type { ChatRequest } from '../fakes/openai';
import { keepHistory } from '../support/histories';
import { resetDatabase, smsParams, startStack, uniquePhone, type Stack } from '../support/stack';

/**
 * A tool call that needs a person's approval: it waits, durably, and runs once when approved; denied or not decided
 * in time, it never runs; either way the model tells the customer.
 */
let company: FakeCompanyApi;
beforeAll(async () => {
  company = await startFakeCompanyApi();
});
afterAll(async () => {
  await company?.close();
});

const refund = { order_id: 'A-1001', amount: 20 };

/** A fresh database with the refund tool declared (at `url`); with a `url`, only the declaration. */
async function setUp(stack: Stack, url?: string): Promise<void> {
  if (!url) {
    await resetDatabase(stack.db);
    stack.openai.reset();
    stack.twilio.reset();
    company.reset();
  }
  const declared = await stack.api('/api/tools', {
    method: 'POST',
    body: JSON.stringify({
      name: 'refund_order',
      description: 'Refund an order, in part or in full',
      url: url ?? `${company.url}/refunds`,
      method: 'POST',
      parameters: { type: 'object', properties: { order_id: { type: 'string' }, amount: { type: 'number', exclusiveMinimum: 0 } }, required: ['order_id', 'amount'] },
      effect: 'write',
      approval: true,
      secret: company.secret,
    }),
  });
  expect(declared.status).toBe(201);
}

/** The customer asks for a refund; the model asks for it and tells them a person is checking. */
async function askForRefund(stack: Stack): Promise<{ from: string; approval: ApprovalView }> {
  const from = uniquePhone();
  stack.openai.script({ toolCalls: [{ name: 'refund_order', arguments: refund }] }, { content: 'A person is checking your refund now.' });
  await stack.postSms(smsParams({ from, body: 'Please refund order A-1001, 20 dollars' }));
  const [sent] = await stack.twilio.waitForSent(1);
  expect(sent?.body).toBe('A person is checking your refund now.');
  await stack.settled(from);
  const told = stack.openai.requests[1]?.messages.find((m) => m.role === 'tool');
  expect(JSON.parse(told?.content ?? '{}')).toMatchObject({ status: 'awaiting_approval' });
  const list = (await (await stack.api('/api/approvals')).json()) as ApprovalList;
  expect(list.approvals).toHaveLength(1);
  const approval = list.approvals[0] as ApprovalView;
  expect(approval).toMatchObject({ tool: 'refund_order', arguments: refund, summary: 'order id: A-1001, amount: 20', status: 'pending', conversationId: conversationWorkflowId({ tenantId: 'default', contactKey: from }) });
  expect(company.requests).toHaveLength(0);
  return { from, approval };
}

/** The system note the model was given for the turn that tells the customer how it ended. */
function outcomeNote(request: ChatRequest | undefined): string {
  return request?.messages.find((m) => m.role === 'system' && m.content?.includes('Note from the team'))?.content ?? '';
}

/** The turn that told the customer how the approval ended: the model's newest reply request. */
function outcomeTurn(stack: Stack): ChatRequest | undefined {
  return stack.openai.requests.filter((r) => !r.messages[0]?.content?.startsWith('Summarize')).at(-1);
}

describe('approvals', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ BATCH_QUIET_MS: '200', TOOLS_ALLOW_PRIVATE_URLS: 'true' });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  beforeEach(async () => setUp(stack));

  it('runs the call once when approved, and the model words the outcome; a second decision is refused', async () => {
    const { from, approval } = await askForRefund(stack);
    stack.openai.script({ content: 'Your refund of 20 dollars is on its way.' });
    const wrongHash = await stack.api(`/api/approvals/${approval.id}/approve`, { method: 'POST', body: JSON.stringify({ argumentsHash: '0'.repeat(64) }) });
    expect(wrongHash.status).toBe(409);
    const approved = await stack.api(`/api/approvals/${approval.id}/approve`, { method: 'POST', body: JSON.stringify({ argumentsHash: approval.argumentsHash }) });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ status: 'approved' });

    const [, outcome] = await stack.twilio.waitForSent(2);
    expect(outcome?.body).toBe('Your refund of 20 dollars is on its way.');
    await stack.settled(from);
    expect(company.requests).toHaveLength(1);
    expect(JSON.parse(company.requests[0]?.body ?? '{}')).toEqual(refund);
    expect(outcomeNote(outcomeTurn(stack))).toContain('A person approved refund_order');

    const again = await stack.api(`/api/approvals/${approval.id}/deny`, { method: 'POST', body: '{}' });
    expect(again.status).toBe(409);
    const all = (await (await stack.api('/api/approvals?status=all')).json()) as ApprovalList;
    expect(all.approvals[0]).toMatchObject({ status: 'approved', result: { status: 200, body: { id: 'eff_1' } } });
    expect((await (await stack.api('/api/approvals')).json()) as ApprovalList).toEqual({ approvals: [] });
    await keepHistory('approval-approved', stack.temporal.workflow.getHandle(approval.conversationId));
  });

  it('does not run an approved call whose tool was declared anew while it waited', async () => {
    const { from, approval } = await askForRefund(stack);
    expect((await stack.api('/api/tools/refund_order', { method: 'DELETE' })).status).toBe(204);
    await setUp(stack, `${company.url}/somewhere-else`);
    stack.openai.script({ content: 'The refund could not go through.' });
    expect((await stack.api(`/api/approvals/${approval.id}/approve`, { method: 'POST', body: '{}' })).status).toBe(200);
    await stack.twilio.waitForSent(2);
    await stack.settled(from);
    expect(company.requests).toHaveLength(0);
    expect(outcomeNote(outcomeTurn(stack))).toContain('was changed after the call was approved');
  });

  it('never runs the call when denied; the model is told why and says so', async () => {
    const { from, approval } = await askForRefund(stack);
    stack.openai.script({ content: 'Sorry, we cannot refund that order.' });
    const denied = await stack.api(`/api/approvals/${approval.id}/deny`, { method: 'POST', body: JSON.stringify({ note: 'delivered 90 days ago' }) });
    expect(denied.status).toBe(200);
    const [, outcome] = await stack.twilio.waitForSent(2);
    expect(outcome?.body).toBe('Sorry, we cannot refund that order.');
    await stack.settled(from);
    expect(company.requests).toHaveLength(0);
    expect(outcomeNote(outcomeTurn(stack))).toContain('A person declined refund_order');
    expect(outcomeNote(outcomeTurn(stack))).toContain('delivered 90 days ago');
    expect((await stack.api(`/api/approvals/${approval.id}/approve`, { method: 'POST', body: '{}' })).status).toBe(409);
    expect((await stack.api('/api/approvals/apr_nope/approve', { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('runs an approved call at once during a handoff, leaving its outcome as a note for the agent, and the AI silent', async () => {
    const { from, approval } = await askForRefund(stack);
    const handedOff = await stack.api(`/api/conversations/${encodeURIComponent(approval.conversationId)}/handoff`, { method: 'POST', body: JSON.stringify({ reason: 'customer asked for a manager' }) });
    expect(handedOff.status).toBe(202);
    await stack.twilio.waitForSent(2);
    const requests = stack.openai.requests.length;
    expect((await stack.api(`/api/approvals/${approval.id}/approve`, { method: 'POST', body: '{}' })).status).toBe(200);
    await expect.poll(() => company.requests.length, { timeout: 20_000 }).toBe(1);
    const note = await stack.db.selectFrom('messages').select('body').where('id', '=', `approval:${approval.id}`).executeTakeFirst();
    expect(note?.body).toContain('A person approved refund_order');
    await stack.settled(from);
    expect(stack.openai.requests).toHaveLength(requests);
    expect(stack.twilio.sent).toHaveLength(2);
  });
});

describe('an approval no one decides', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ BATCH_QUIET_MS: '200', TOOLS_ALLOW_PRIVATE_URLS: 'true', APPROVAL_TIMEOUT_MS: '3000' });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  beforeEach(async () => setUp(stack));

  it('is dropped after APPROVAL_TIMEOUT_MS: the call never runs and the model says so', async () => {
    const { from, approval } = await askForRefund(stack);
    stack.openai.script({ content: 'No one could confirm the refund yet; a person will follow up.' });
    const [, outcome] = await stack.twilio.waitForSent(2, 30_000);
    expect(outcome?.body).toBe('No one could confirm the refund yet; a person will follow up.');
    await stack.settled(from);
    expect(company.requests).toHaveLength(0);
    expect(outcomeNote(outcomeTurn(stack))).toContain('No one approved refund_order');
    expect((await stack.api(`/api/approvals/${approval.id}/approve`, { method: 'POST', body: '{}' })).status).toBe(409);
  });
});
