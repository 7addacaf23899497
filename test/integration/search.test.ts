import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';
import { smsParams, type Stack, useStack } from '../support/stack';

/** The README's Temporal UI searches find what the README says they find. */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Finding a conversation in the Temporal UI'));
const queries = (/```\n([\s\S]*?)```/.exec(section)?.[1] ?? '').trim().split('\n');

let stack: Stack;
useStack((started) => (stack = started));

describe("the README's searches", () => {
  it('find a conversation that used WhatsApp, then SMS, and is with a person now', async () => {
    expect(queries).toHaveLength(4);
    const phone = '+16045550100';
    await stack.postSms(smsParams({ from: `whatsapp:${phone}`, to: 'whatsapp:+15005550006', body: 'hola' }));
    await stack.settled(phone);
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'asks for a person' } }] });
    await stack.postSms(smsParams({ from: phone, body: 'a person please' }));
    await stack.settled(phone);

    const id = conversationWorkflowId({ tenantId: 'default', contactKey: phone });
    for (const query of queries) {
      // Visibility catches up with the workflow's search attributes within moments.
      await expect
        .poll(async () => {
          const found: string[] = [];
          for await (const workflow of stack.temporal.workflow.list({ query: `${query} AND TaskQueue = "${stack.config.TEMPORAL_TASK_QUEUE}"` })) {
            found.push(workflow.workflowId);
          }
          return found;
        }, { timeout: 10_000 })
        .toEqual([id]);
    }
  });
});
