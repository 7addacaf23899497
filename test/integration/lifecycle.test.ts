import { describe, expect, it } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';

import { smsParams, uniquePhone, type Stack, useStack } from '../support/stack';

let stack: Stack;
useStack((started) => (stack = started), { BATCH_QUIET_MS: '200', CONVERSATION_IDLE_MS: '2500' });

async function conversation(from: string) {
  const id = encodeURIComponent(conversationWorkflowId({ tenantId: 'default', contactKey: from }));
  const response = await stack.api(`/api/conversations/${id}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { conversation: { summary: string | null }; live: unknown };
}

describe('conversation life cycle', () => {
  it('summarizes and completes when idle; the next message starts a new run that knows the summary', async () => {
    stack.openai.respond = (request) => {
      const system = request.messages[0]?.content ?? '';
      if (system.startsWith('Summarize')) return { content: 'The customer asked about a blue lamp, order 1234.' };
      return { content: `echo: ${request.messages.filter((m) => m.role === 'user').at(-1)?.content}` };
    };
    const from = uniquePhone();
    const handle = stack.temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey: from }));
    await stack.postSms(smsParams({ from, body: 'Where is my blue lamp? Order 1234.' }));
    await stack.twilio.waitForSent(1);
    const firstRun = (await handle.describe()).runId;
    await handle.result();
    expect((await conversation(from)).conversation.summary).toBe('The customer asked about a blue lamp, order 1234.');
    expect((await conversation(from)).live).toBeNull();

    await stack.postSms(smsParams({ from, body: 'Any news?' }));
    await stack.twilio.waitForSent(2);
    const description = await stack.temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey: from })).describe();
    expect(description.runId).not.toBe(firstRun);
    const lastTurn = stack.openai.requests.filter((r) => !(r.messages[0]?.content ?? '').startsWith('Summarize')).at(-1);
    expect(lastTurn?.messages[0]?.content).toContain('blue lamp, order 1234');

    // The next summary folds in what is new since the last one, not the whole conversation again.
    await stack.temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey: from })).result();
    const summaries = stack.openai.requests.filter((r) => (r.messages[0]?.content ?? '').startsWith('Summarize'));
    expect(summaries).toHaveLength(2);
    const second = summaries[1]?.messages[1]?.content ?? '';
    expect(second).toContain('Earlier summary: The customer asked about a blue lamp, order 1234.');
    expect(second).toContain('customer: Any news?');
    expect(second).not.toContain('Where is my blue lamp?');
  });

  it('completes when idle even when the model refuses to summarize: the summary is skipped, nothing is lost', async () => {
    stack.openai.respond = (request) => {
      if ((request.messages[0]?.content ?? '').startsWith('Summarize')) return { error: { status: 400, message: 'This model cannot do that' } };
      return { content: `echo: ${request.messages.filter((m) => m.role === 'user').at(-1)?.content}` };
    };
    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'Do you sell lamps?' }));
    await stack.twilio.waitForSent(1);
    const handle = stack.temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey: from }));
    await handle.result();
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    expect((await conversation(from)).conversation.summary).toBeNull();
  });

  it('remembers STOP after the run that heard it has completed: the next run stays silent until START', async () => {
    const from = uniquePhone();
    const handle = () => stack.temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey: from }));
    await stack.postSms(smsParams({ from, body: 'STOP' }));
    await handle().result();

    await stack.postSms(smsParams({ from, body: 'hello again' }));
    await stack.settled(from);
    // The only model calls are the idle summaries, no reply turn.
    expect(stack.openai.requests.filter((r) => !(r.messages[0]?.content ?? '').startsWith('Summarize'))).toEqual([]);
    expect(stack.twilio.sent).toHaveLength(0);
    await handle().result();
    // What they wrote after STOP goes to no model, summaries included.
    expect(JSON.stringify(stack.openai.requests)).not.toContain('hello again');

    await stack.postSms(smsParams({ from, body: 'START' }));
    await stack.postSms(smsParams({ from, body: 'are you there?' }));
    const [reply] = await stack.twilio.waitForSent(1);
    expect(reply).toMatchObject({ to: from, body: 'echo: are you there?' });
  });
});
