import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Context } from '@temporalio/activity';
import { inboundSignal, snapshotQuery, type InboundMessage } from '../../workflows/definitions';
import { keepHistory } from '../support/histories';
import { createEnvironment, message, newRecorder, recordingActivities, settings, withWorker as runWithWorker, type Generate, type Recorded } from './harness';

/** Batching, de-duplication, staleness, tools, long lives and idle, on one time-skipping server. */
let env: TestWorkflowEnvironment;
let calls: Recorded;
let generate: Generate;

beforeAll(async () => {
  env = await createEnvironment();
});
afterAll(async () => {
  await env?.teardown();
});
beforeEach(() => {
  calls = newRecorder();
  generate = async (input) => ({ kind: 'text', text: `reply to ${input.untilMessageId}` });
});

function withWorker(
  run: (send: (m: InboundMessage) => Promise<void>, workflowId: string) => Promise<void>,
  overrides: Partial<typeof settings> = {},
) {
  return runWithWorker(env, recordingActivities(calls, () => generate), run, overrides);
}

describe('batching', () => {
  it('answers a burst of three messages inside the window with one LLM call holding all three', async () => {
    await withWorker(async (send, workflowId) => {
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
      await keepHistory('burst', env.client.workflow.getHandle(workflowId));
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
      // Messages 1.2s apart never leave a 1.5s quiet gap; the 8s cap answers m1..m7 (m8 comes at 8.4s), and the
      // rest form the next batch once they stop.
      await env.sleep(5000);
      expect(calls.replies.map((r) => r.untilMessageId)).toEqual(['in:m7', 'in:m10']);
      expect(calls.sent.map((s) => s.body)).toEqual(['reply to in:m7', 'reply to in:m10']);
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
        await env.client.workflow.getHandle(Context.current().info.workflowExecution?.workflowId ?? '').signal(inboundSignal, message('m2'));
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
    await withWorker(async (send, workflowId) => {
      await send(message('m1'));
      await env.sleep(5000);
      expect(calls.replies.map((r) => r.allowTools)).toEqual([true, true, true, false]);
      expect(calls.replies[1]?.toolExchange).toEqual([
        { role: 'assistant', content: null },
        { role: 'tool', tool_call_id: 'c0', content: 'passage' },
      ]);
      expect(calls.sent.map((s) => s.body)).toEqual(['final answer']);
      await keepHistory('tool-round', env.client.workflow.getHandle(workflowId));
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
        // Each turn passes the bound of 20 events: one summary per fresh history, written just before it starts.
        expect(calls.summaries).toBe(2);

        // A retried webhook from before the new run is still recognised; WhatsApp stays opted out.
        await send(message('m1'));
        await send(message('m3', 'on whatsapp', 'whatsapp'));
        await send(message('m4'));
        await env.sleep(5000);
        expect(calls.recorded.filter((id) => id === 'm1')).toHaveLength(1);
        expect(calls.sent.map((s) => s.body)).toEqual(['reply to in:m1', 'reply to in:m2', 'reply to in:m4']);
        expect(await env.client.workflow.getHandle(workflowId).query(snapshotQuery)).toMatchObject({ turns: 3, pendingCount: 0 });
        // The first run ends by continuing as new; the last one starts from what it carried.
        await keepHistory('continued-as-new', env.client.workflow.getHandle(workflowId, firstRun));
        await keepHistory('continued-as-new-carried', env.client.workflow.getHandle(workflowId));
      },
      { maxHistoryEvents: 20 },
    );
  });
});

describe('idle', () => {
  it('keeps one idle timer through many turns instead of starting and cancelling one per turn', async () => {
    await withWorker(async (send, workflowId) => {
      for (const id of ['m1', 'm2', 'm3', 'm4']) {
        await send(message(id));
        await env.sleep(5000);
      }
      expect(calls.sent).toHaveLength(4);
      const { events } = await env.client.workflow.getHandle(workflowId).fetchHistory();
      const count = (type: string) => (events ?? []).filter((e) => e[type as keyof typeof e] != null).length;
      // One batching window per turn, one idle timer for the whole time, nothing cancelled.
      expect(count('timerStartedEventAttributes')).toBe(4 + 1);
      expect(count('timerCanceledEventAttributes')).toBe(0);
    });
  });


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
      await keepHistory('idle-completed', handle);
    });
  });
});
