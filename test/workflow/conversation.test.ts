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
            plans: [{ callId: `c${input.toolExchange.length}`, name: 'search_knowledge', kind: 'read', approval: false, arguments: { query: 'hours' } }],
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
      expect(h.calls.tools.map((t) => t.name)).toEqual(['search_knowledge', 'search_knowledge', 'search_knowledge']);
      expect(h.calls.sent.map((s) => s.body)).toEqual(['final answer']);
      await keepHistory('tool-registry-round', h.env.client.workflow.getHandle(workflowId));
    });
  });

  it('runs each write once under a key from the workflow, answers a repeated write from the first, and returns refusals to the model', async () => {
    const booking = { slot_id: 's1', name: 'Ada' };
    const write = (id: string) => ({
      call: { id, type: 'function' as const, function: { name: 'create_booking', arguments: JSON.stringify(booking) } },
      plan: { callId: id, name: 'create_booking', kind: 'write' as const, approval: false, arguments: booking },
    });
    const rounds = [
      [write('a'), { call: { id: 'b', type: 'function' as const, function: { name: 'fly', arguments: '{}' } }, plan: { callId: 'b', name: 'fly', kind: 'refused' as const, error: 'there is no tool named fly' } }],
      // The model asks for the same booking again (new call id): it gets the first answer, nothing runs.
      [write('c')],
    ];
    h.generate = async (input) => {
      const round = rounds[input.toolExchange.filter((m) => m.role === 'assistant').length];
      if (!round) return { kind: 'text', text: 'booked' };
      return { kind: 'tool_calls', assistant: { role: 'assistant', content: null, tool_calls: round.map((r) => r.call) }, calls: round.map((r) => r.call), plans: round.map((r) => r.plan) };
    };
    await h.withWorker(async (send, workflowId) => {
      await send(message('m1'));
      await h.env.sleep(5000);
      expect(h.calls.tools).toHaveLength(1);
      expect(h.calls.tools[0]).toMatchObject({ name: 'create_booking', arguments: booking });
      expect(h.calls.tools[0]?.key).toBe(`${workflowId}/in:m1/0/0`);
      const exchange = h.calls.replies.at(-1)?.toolExchange ?? [];
      const answers = exchange.filter((m) => m.role === 'tool').map((m) => m.content);
      expect(answers).toEqual([JSON.stringify({ done: 'create_booking', times: 1 }), JSON.stringify({ error: 'there is no tool named fly' }), JSON.stringify({ done: 'create_booking', times: 1 })]);
      expect(h.calls.sent.map((s) => s.body)).toEqual(['booked']);
      await keepHistory('write-tool-round', h.env.client.workflow.getHandle(workflowId));
    });
  });
});

describe('writes across a turn thrown away', () => {
  it('does not write again when the customer writes during the turn and the model asks again for the same thing', async () => {
    const order = { item_id: 'latte', quantity: 2 };
    const write = { id: 'w', type: 'function' as const, function: { name: 'add_to_order', arguments: JSON.stringify(order) } };
    let sendLater: ((id: string) => Promise<void>) | null = null;
    h.generate = async (input) => {
      if (input.toolExchange.length === 0) {
        return { kind: 'tool_calls', assistant: { role: 'assistant', content: null, tool_calls: [write] }, calls: [write], plans: [{ callId: 'w', name: 'add_to_order', kind: 'write', approval: false, arguments: order }] };
      }
      // The customer writes again while the first turn finishes: the turn is thrown away and answered again.
      if (input.untilMessageId === 'in:m1') await sendLater?.('m2');
      return { kind: 'text', text: `done ${input.untilMessageId}` };
    };
    await h.withWorker(async (send) => {
      sendLater = async (id) => {
        await send(message(id));
        await new Promise((resolve) => setTimeout(resolve, 200));
      };
      await send(message('m1'));
      await h.env.sleep(8000);
      expect(h.calls.replies.map((r) => r.untilMessageId)).toEqual(['in:m1', 'in:m1', 'in:m2', 'in:m2']);
      expect(h.calls.tools).toHaveLength(1);
      const answers = (h.calls.replies[3]?.toolExchange ?? []).filter((m) => m.role === 'tool').map((m) => m.content);
      expect(answers).toEqual([JSON.stringify({ done: 'add_to_order', times: 1 })]);
      expect(h.calls.sent.map((s) => s.body)).toEqual(['done in:m2']);
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
      expect(h.calls.closed).toBe(1);
      expect((await handle.describe()).status.name).toBe('COMPLETED');
      // idle-completed.json is the same run recorded before the inbox marked conversations closed.
      await keepHistory('idle-closed', handle);
    });
  });
});
