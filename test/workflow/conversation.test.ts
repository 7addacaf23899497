import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Activities } from '../../activities';
import type { GenerateReplyInput } from '../../activities/llm';
import type { SendMessageInput } from '../../activities/twilio';
import { workflowsPath } from '../../worker/conversation-worker';
import type { conversationWorkflow } from '../../workflows/conversation';
import { fallbackReply } from '../../workflows/conversation';
import {
  conversationWorkflowId,
  inboundSignal,
  searchAttributeTypes,
  snapshotQuery,
  type ConversationInput,
  type InboundMessage,
} from '../../workflows/definitions';

/**
 * The conversation workflow's timing on the time-skipping server, with activities replaced by recorders: a
 * batching window of seconds costs no wall time.
 */
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  // The fallback test fails activities on purpose; their retry warnings are expected.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('testServerPath') } },
  });
  // The time-skipping server takes no --search-attribute flags, but it does serve the operator API.
  const indexedValueType = { Keyword: 2, Bool: 5 } as const; // temporal.api.enums.v1.IndexedValueType
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(Object.entries(searchAttributeTypes).map(([name, type]) => [name, indexedValueType[type]])),
  });
  bundle = await bundleWorkflowCode({ workflowsPath, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
});
afterAll(async () => {
  await env?.teardown();
});

interface Recorded {
  recorded: string[];
  replies: GenerateReplyInput[];
  sent: SendMessageInput[];
  summaries: number;
  flags: (string | null)[];
}

let calls: Recorded;
let generate: (input: GenerateReplyInput) => Promise<Awaited<ReturnType<Activities['generateReply']>>>;
let taskQueue: string;
let counter = 0;

beforeEach(() => {
  calls = { recorded: [], replies: [], sent: [], summaries: 0, flags: [] };
  generate = async (input) => ({ kind: 'text', text: `reply to ${input.untilMessageId}` });
  taskQueue = `wf-${(counter += 1)}`;
});

function activities(): Activities {
  const fake: Partial<Activities> = {
    async recordInbound({ message }) {
      calls.recorded.push(message.providerMessageId);
      return { messageId: `in:${message.providerMessageId}`, duplicate: false };
    },
    async generateReply(input) {
      calls.replies.push(structuredClone(input));
      return generate(input);
    },
    async searchKnowledge() {
      return 'passage';
    },
    async sendMessage(input) {
      calls.sent.push(input);
      return { providerMessageIds: [`SM${calls.sent.length}`] };
    },
    async sendHelpReply(input) {
      calls.sent.push({ ...input, body: 'help text', author: 'system' });
      return { providerMessageIds: ['SMhelp'] };
    },
    async flagConversation({ reason }) {
      calls.flags.push(reason);
    },
    async summarizeConversation() {
      calls.summaries += 1;
    },
  };
  return fake as Activities;
}

const settings = { batchQuietMs: 1500, batchMaxWaitMs: 8000, idleMs: 30 * 60_000, maxToolRounds: 3, maxStaleRestarts: 2, maxHistoryEvents: 10_000 };

function message(id: string, body = id, channel: 'sms' | 'whatsapp' = 'sms'): InboundMessage {
  const prefix = channel === 'whatsapp' ? 'whatsapp:' : '';
  return { providerMessageId: id, channel, from: `${prefix}+16045550100`, to: `${prefix}+15005550006`, body, media: [], receivedAt: new Date().toISOString() };
}

async function withWorker(
  run: (send: (m: InboundMessage) => Promise<void>, workflowId: string) => Promise<void>,
  overrides: Partial<typeof settings> = {},
) {
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities: activities() });
  const workflowId = conversationWorkflowId('default', `+1604555${taskQueue}`);
  const input: ConversationInput = { tenantId: 'default', contactKey: '+16045550100', contactLabel: '+16045550100', settings: { ...settings, ...overrides } };
  const send = async (m: InboundMessage) => {
    await env.client.workflow.signalWithStart<typeof conversationWorkflow, [InboundMessage]>('conversationWorkflow', {
      workflowId,
      taskQueue,
      args: [input],
      signal: inboundSignal,
      signalArgs: [m],
    });
  };
  try {
    await worker.runUntil(run(send, workflowId));
  } finally {
    // A workflow left running with scheduled activities would hold the server's clock for the next test.
    await env.client.workflow.getHandle(workflowId).terminate('test over').catch(() => undefined);
  }
}

describe('batching', () => {
  it('answers a burst of three messages inside the window with one LLM call holding all three', async () => {
    await withWorker(async (send) => {
      await send(message('m1'));
      await env.sleep(1000);
      await send(message('m2'));
      await env.sleep(1000);
      await send(message('m3'));
      await env.sleep(1000);
      expect(calls.replies).toHaveLength(0);
      await env.sleep(5000);
      expect(calls.recorded).toEqual(['m1', 'm2', 'm3']);
      expect(calls.replies).toHaveLength(1);
      expect(calls.replies[0]?.untilMessageId).toBe('in:m3');
      expect(calls.sent.map((s) => s.body)).toEqual(['reply to in:m3']);
    });
  });

  it('starts a new batch for a message that arrives after the reply', async () => {
    await withWorker(async (send) => {
      await send(message('m1'));
      await env.sleep(5000);
      expect(calls.sent).toHaveLength(1);
      await send(message('m2'));
      await env.sleep(5000);
      expect(calls.replies.map((r) => r.untilMessageId)).toEqual(['in:m1', 'in:m2']);
      expect(calls.sent.map((s) => s.body)).toEqual(['reply to in:m1', 'reply to in:m2']);
    });
  });

  it('caps the window at BATCH_MAX_WAIT_MS when messages never stop', async () => {
    await withWorker(async (send) => {
      for (let i = 1; i <= 10; i += 1) {
        await send(message(`m${i}`));
        await env.sleep(1200);
      }
      // Messages 1.2s apart never leave a 1.5s quiet gap; the 8s cap answers m1..m7 (m8 comes at 8.4s).
      expect(calls.replies.length).toBeGreaterThanOrEqual(1);
      expect(calls.replies[0]?.untilMessageId).toBe('in:m7');
    });
  });

  it('records and answers a duplicated provider message id once', async () => {
    await withWorker(async (send) => {
      await send(message('m1'));
      await send(message('m1'));
      await env.sleep(500);
      await send(message('m1'));
      await env.sleep(5000);
      expect(calls.recorded).toEqual(['m1']);
      expect(calls.replies).toHaveLength(1);
      expect(calls.sent).toHaveLength(1);
    });
  });
});

describe('replies', () => {
  it('goes out on the channel and to the address of the newest message answered', async () => {
    await withWorker(async (send) => {
      await send(message('m1', 'hi', 'sms'));
      await send(message('m2', 'hi again', 'whatsapp'));
      await env.sleep(5000);
      expect(calls.sent).toEqual([
        expect.objectContaining({ channel: 'whatsapp', to: 'whatsapp:+16045550100', from: 'whatsapp:+15005550006', author: 'ai' }),
      ]);
    });
  });

  it('regenerates a reply when a newer message arrives while it is being generated', async () => {
    let first = true;
    generate = async (input) => {
      if (first) {
        first = false;
        // The customer writes again while the model is still thinking about m1.
        await env.client.workflow.getHandle(conversationWorkflowId('default', `+1604555${taskQueue}`)).signal(inboundSignal, message('m2'));
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      return { kind: 'text', text: `reply to ${input.untilMessageId}` };
    };
    await withWorker(async (send) => {
      await send(message('m1'));
      await env.sleep(10_000);
      expect(calls.replies.map((r) => r.untilMessageId)).toEqual(['in:m1', 'in:m2']);
      // The stale answer to m1 alone was never sent.
      expect(calls.sent.map((s) => s.body)).toEqual(['reply to in:m2']);
    });
  });

  it('feeds each tool result back to the model and stops at the round limit', async () => {
    generate = async (input) =>
      input.allowTools
        ? {
            kind: 'tool_calls',
            assistant: { role: 'assistant', content: null },
            calls: [{ id: `c${input.toolExchange.length}`, type: 'function', function: { name: 'search_knowledge', arguments: '{"query":"hours"}' } }],
          }
        : { kind: 'text', text: 'final answer' };
    await withWorker(async (send) => {
      await send(message('m1'));
      await env.sleep(5000);
      expect(calls.replies.map((r) => r.allowTools)).toEqual([true, true, true, false]);
      expect(calls.replies[1]?.toolExchange).toEqual([
        { role: 'assistant', content: null },
        { role: 'tool', tool_call_id: 'c0', content: 'passage' },
      ]);
      expect(calls.sent.map((s) => s.body)).toEqual(['final answer']);
    });
  });

  it('sends the fallback message when the model stays down, flags the conversation, and recovers', async () => {
    let down = true;
    generate = async (input) => {
      if (down) throw new Error('model unavailable');
      return { kind: 'text', text: `reply to ${input.untilMessageId}` };
    };
    await withWorker(async (send, workflowId) => {
      await send(message('m1'));
      await env.sleep(60_000);
      expect(calls.replies).toHaveLength(4);
      expect(calls.sent.map((s) => s.body)).toEqual([fallbackReply]);
      expect(calls.flags).toEqual([expect.stringContaining('model was unavailable')]);
      const snapshot = await env.client.workflow.getHandle(workflowId).query(snapshotQuery);
      expect(snapshot).toMatchObject({ pendingCount: 0, turns: 1 });

      down = false;
      await send(message('m2'));
      await env.sleep(5000);
      expect(calls.sent.map((s) => s.body)).toEqual([fallbackReply, 'reply to in:m2']);
      expect(calls.flags).toEqual([expect.stringContaining('model was unavailable'), null]);
    });
  });
});

describe('long lives', () => {
  it('continues as new past the history bound, keeping the de-duplication window, counters and opt-outs', async () => {
    await withWorker(
      async (send, workflowId) => {
        await send(message('m1'));
        const firstRun = (await env.client.workflow.getHandle(workflowId).describe()).runId;
        await env.sleep(5000);
        await send(message('stop-1', 'STOP', 'whatsapp'));
        await send(message('m2'));
        await env.sleep(5000);
        const secondRun = (await env.client.workflow.getHandle(workflowId).describe()).runId;
        expect(secondRun).not.toBe(firstRun);
        expect(calls.summaries).toBeGreaterThanOrEqual(1);

        // A retried webhook from before the new run is still recognised; WhatsApp stays opted out.
        await send(message('m1'));
        await send(message('m3', 'on whatsapp', 'whatsapp'));
        await send(message('m4'));
        await env.sleep(5000);
        expect(calls.recorded.filter((id) => id === 'm1')).toHaveLength(1);
        expect(calls.sent.map((s) => s.body)).toEqual(['reply to in:m1', 'reply to in:m2', 'reply to in:m4']);
        expect(await env.client.workflow.getHandle(workflowId).query(snapshotQuery)).toMatchObject({ turns: 3, pendingCount: 0 });
      },
      { maxHistoryEvents: 20 },
    );
  });
});

describe('idle', () => {
  it('summarizes and completes after CONVERSATION_IDLE_MS without messages', async () => {
    await withWorker(async (send, workflowId) => {
      await send(message('m1'));
      await env.sleep(5000);
      const handle = env.client.workflow.getHandle(workflowId);
      expect((await handle.describe()).status.name).toBe('RUNNING');
      await env.sleep(settings.idleMs + 1000);
      await handle.result();
      expect(calls.summaries).toBe(1);
      expect((await handle.describe()).status.name).toBe('COMPLETED');
    });
  });
});
