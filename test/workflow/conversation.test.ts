import { describe, expect, it } from 'vitest';
import { Context } from '@temporalio/activity';
import { inboundSignal, snapshotQuery } from '../../workflows/definitions';
import { keepHistory } from '../support/histories';
import { message, settings, useHarness } from './harness';

/** Batching, de-duplication, staleness, tools, long lives and idle, on one time-skipping server. */
const h = useHarness();

describe('batching', () => {
  it('answers a burst of three messages inside the window with one LLM call holding all three', async () => {
    await h.withWorker(async (send, workflowId) => {
      await send(message('m1'));
      await h.env.sleep(1000);
      await send(message('m2'));
      await h.env.sleep(1000);
      await send(message('m3'));
      await h.env.sleep(1000);
      expect(h.calls.replies).toHaveLength(0);
      await h.env.sleep(5000);
      expect(h.calls.recorded).toEqual(['m1', 'm2', 'm3']);
      expect(h.calls.replies).toHaveLength(1);
      expect(h.calls.replies[0]?.untilMessageId).toBe('in:m3');
      expect(h.calls.sent.map((s) => s.body)).toEqual(['reply to in:m3']);
      await keepHistory('burst', h.env.client.workflow.getHandle(workflowId));
    });
  });

  it('starts a new batch for a message that arrives after the reply', async () => {
    await h.withWorker(async (send) => {
      await send(message('m1'));
      await h.env.sleep(5000);
      expect(h.calls.sent).toHaveLength(1);
      await send(message('m2'));
      await h.env.sleep(5000);
      expect(h.calls.replies.map((r) => r.untilMessageId)).toEqual(['in:m1', 'in:m2']);
      expect(h.calls.sent.map((s) => s.body)).toEqual(['reply to in:m1', 'reply to in:m2']);
    });
  });

  it('caps the window at BATCH_MAX_WAIT_MS when messages never stop', async () => {
    await h.withWorker(async (send) => {
      for (let i = 1; i <= 10; i += 1) {
        await send(message(`m${i}`));
        await h.env.sleep(1200);
      }
      // Messages 1.2s apart never leave a 1.5s quiet gap; the 8s cap answers m1..m7 (m8 comes at 8.4s), and the
      // rest form the next batch once they stop.
      await h.env.sleep(5000);
      expect(h.calls.replies.map((r) => r.untilMessageId)).toEqual(['in:m7', 'in:m10']);
      expect(h.calls.sent.map((s) => s.body)).toEqual(['reply to in:m7', 'reply to in:m10']);
    });
  });

  it('records and answers a duplicated provider message id once', async () => {
    await h.withWorker(async (send) => {
      await send(message('m1'));
      await send(message('m1'));
      await h.env.sleep(500);
      await send(message('m1'));
      await h.env.sleep(5000);
      expect(h.calls.recorded).toEqual(['m1']);
      expect(h.calls.replies).toHaveLength(1);
      expect(h.calls.sent).toHaveLength(1);
    });
  });
});

describe('replies', () => {
  it('goes out on the channel and to the address of the newest message answered', async () => {
    await h.withWorker(async (send) => {
      await send(message('m1', 'hi', 'sms'));
      await send(message('m2', 'hi again', 'whatsapp'));
      await h.env.sleep(5000);
      expect(h.calls.sent).toEqual([
        expect.objectContaining({ channel: 'whatsapp', to: 'whatsapp:+16045550100', from: 'whatsapp:+15005550006', author: 'ai' }),
      ]);
    });
  });

  it('regenerates a reply when a newer message arrives while it is being generated', async () => {
    let first = true;
    h.generate = async (input) => {
      if (first) {
        first = false;
        // The customer writes again while the model is still thinking about m1.
        await h.env.client.workflow.getHandle(Context.current().info.workflowExecution?.workflowId ?? '').signal(inboundSignal, message('m2'));
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
      return { kind: 'text', text: `reply to ${input.untilMessageId}` };
    };
    await h.withWorker(async (send) => {
      await send(message('m1'));
      await h.env.sleep(10_000);
      expect(h.calls.replies.map((r) => r.untilMessageId)).toEqual(['in:m1', 'in:m2']);
      // The stale answer to m1 alone was never sent.
      expect(h.calls.sent.map((s) => s.body)).toEqual(['reply to in:m2']);
    });
  });

  it('feeds each tool result back to the model and stops at the round limit', async () => {
    h.generate = async (input) =>
      input.allowTools
        ? {
            kind: 'tool_calls',
            assistant: { role: 'assistant', content: null },
            calls: [{ id: `c${input.toolExchange.length}`, type: 'function', function: { name: 'search_knowledge', arguments: '{"query":"hours"}' } }],
          }
        : { kind: 'text', text: 'final answer' };
    await h.withWorker(async (send, workflowId) => {
      await send(message('m1'));
      await h.env.sleep(5000);
      expect(h.calls.replies.map((r) => r.allowTools)).toEqual([true, true, true, false]);
      expect(h.calls.replies[1]?.toolExchange).toEqual([
        { role: 'assistant', content: null },
        { role: 'tool', tool_call_id: 'c0', content: 'passage' },
      ]);
      expect(h.calls.sent.map((s) => s.body)).toEqual(['final answer']);
      await keepHistory('tool-round', h.env.client.workflow.getHandle(workflowId));
    });
  });

});

describe('long lives', () => {
  it('continues as new past the history bound, keeping the de-duplication window, counters and opt-outs', async () => {
    await h.withWorker(
      async (send, workflowId) => {
        await send(message('m1'));
        const firstRun = (await h.env.client.workflow.getHandle(workflowId).describe()).runId;
        await h.env.sleep(5000);
        await send(message('stop-1', 'STOP', 'whatsapp'));
        await send(message('m2'));
        await h.env.sleep(5000);
        const secondRun = (await h.env.client.workflow.getHandle(workflowId).describe()).runId;
        expect(secondRun).not.toBe(firstRun);
        // Each turn passes the bound of 20 events: one summary per fresh history, written just before it starts.
        expect(h.calls.summaries).toBe(2);

        // A retried webhook from before the new run is still recognised; WhatsApp stays opted out.
        await send(message('m1'));
        await send(message('m3', 'on whatsapp', 'whatsapp'));
        await send(message('m4'));
        await h.env.sleep(5000);
        expect(h.calls.recorded.filter((id) => id === 'm1')).toHaveLength(1);
        expect(h.calls.sent.map((s) => s.body)).toEqual(['reply to in:m1', 'reply to in:m2', 'reply to in:m4']);
        expect(await h.env.client.workflow.getHandle(workflowId).query(snapshotQuery)).toMatchObject({ turns: 3, pendingCount: 0 });
        // The first run ends by continuing as new; the last one starts from what it carried.
        await keepHistory('continued-as-new', h.env.client.workflow.getHandle(workflowId, firstRun));
        await keepHistory('continued-as-new-carried', h.env.client.workflow.getHandle(workflowId));
      },
      { maxHistoryEvents: 20 },
    );
  });
});

describe('idle', () => {
  it('keeps one idle timer through many turns instead of starting and cancelling one per turn', async () => {
    await h.withWorker(async (send, workflowId) => {
      for (const id of ['m1', 'm2', 'm3', 'm4']) {
        await send(message(id));
        await h.env.sleep(5000);
      }
      expect(h.calls.sent).toHaveLength(4);
      const { events } = await h.env.client.workflow.getHandle(workflowId).fetchHistory();
      const count = (type: string) => (events ?? []).filter((e) => e[type as keyof typeof e] != null).length;
      // One batching window per turn, one idle timer for the whole time, nothing cancelled.
      expect(count('timerStartedEventAttributes')).toBe(4 + 1);
      expect(count('timerCanceledEventAttributes')).toBe(0);
    });
  });


  it('summarizes and completes after CONVERSATION_IDLE_MS without messages', async () => {
    await h.withWorker(async (send, workflowId) => {
      await send(message('m1'));
      await h.env.sleep(5000);
      const handle = h.env.client.workflow.getHandle(workflowId);
      expect((await handle.describe()).status.name).toBe('RUNNING');
      await h.env.sleep(settings.idleMs + 1000);
      await handle.result();
      expect(h.calls.summaries).toBe(1);
      expect((await handle.describe()).status.name).toBe('COMPLETED');
      await keepHistory('idle-completed', handle);
    });
  });
});
