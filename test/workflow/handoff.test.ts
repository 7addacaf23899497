import { describe, expect, it } from 'vitest';
import { defaultServiceTexts } from '../../domain/texts';
import {
  callEndedSignal,
  callStartedSignal,
  interruptSignal,
  claimHandoffUpdate,
  giveBackUpdate,
  resolveHandoffUpdate,
  takeOverUpdate,
  snapshotQuery,
  type HandoffResolution,
} from '../../workflows/definitions';
import { keepHistory } from '../support/histories';
import { message, settings, useHarness } from './harness';

/**
 * Handoffs on the time-skipping server: the workflow owns the task, agents act through updates, and its timers
 * (escalation after minutes, expiry after a week) cost no wall time.
 */
const h = useHarness();

const bodies = () => h.calls.sent.map((s) => s.body);

/** Lets the workflow run until it has opened a handoff, and returns its task id. */
async function openedTask(): Promise<string> {
  for (let waited = 0; h.calls.handoffs.length === 0; waited += 1) {
    if (waited > 120) throw new Error('no handoff was opened');
    await h.env.sleep(1000);
  }
  return h.calls.handoffs[0]?.taskId ?? '';
}

async function resolve(workflowId: string, taskId: string, resolution: HandoffResolution): Promise<void> {
  const handle = h.env.client.workflow.getHandle(workflowId);
  await handle.executeUpdate(claimHandoffUpdate, { args: [{ taskId, agentId: resolution.agentId }] });
  await handle.executeUpdate(resolveHandoffUpdate, { args: [{ taskId, ...resolution }] });
}

describe('handoff', () => {
  it('sends the fallback message when the model stays down and hands the conversation to a person', async () => {
    let down = true;
    h.generate = async (input) => {
      if (down) throw new Error('model unavailable');
      return { kind: 'text', text: `reply to ${input.untilMessageId}` };
    };
    await h.withWorker(async (send, workflowId) => {
      await send(message('m1'));
      const taskId = await openedTask();
      expect(h.calls.replies).toHaveLength(4);
      expect(bodies()).toEqual([defaultServiceTexts.fallback]);
      expect(h.calls.sent[0]?.author).toBe('system');
      expect(h.calls.handoffs.map((h) => h.reason)).toEqual([expect.stringContaining('model stayed unavailable')]);
      const snapshot = await h.env.client.workflow.getHandle(workflowId).query(snapshotQuery);
      expect(snapshot).toMatchObject({ mode: 'handoff', pendingCount: 0, turns: 1 });

      // An agent resolves it; the AI answers again.
      down = false;
      await resolve(workflowId, taskId, { agentId: 'a1', note: 'Refund sent.', action: 'return_to_ai' });
      expect(await h.env.client.workflow.getHandle(workflowId).query(snapshotQuery)).toMatchObject({ mode: 'ai', handoff: null });
      expect(h.calls.handoffUpdates).toEqual([
        { status: 'claimed', note: undefined },
        { status: 'resolved', note: 'Refund sent.' },
      ]);
      await send(message('m2'));
      await h.env.sleep(settings.batchMaxWaitMs);
      expect(bodies()).toEqual([defaultServiceTexts.fallback, 'reply to in:m2']);
    });
  });

  it('keeps the AI silent while a person has the conversation', async () => {
    h.generate = async () => ({ kind: 'handoff', reason: 'wants a person', notice: 'handoffAck' });
    await h.withWorker(async (send, workflowId) => {
      await send(message('m1', 'I want to talk to a human'));
      await openedTask();
      expect(bodies()).toEqual([defaultServiceTexts.handoffAck]);
      await send(message('m2', 'hello?'));
      await send(message('m3', 'anyone?'));
      await h.env.sleep(settings.batchMaxWaitMs);
      expect(h.calls.recorded).toEqual(['m1', 'm2', 'm3']);
      expect(h.calls.replies).toHaveLength(1);
      expect(bodies()).toEqual([defaultServiceTexts.handoffAck]);
      expect(await h.env.client.workflow.getHandle(workflowId).query(snapshotQuery)).toMatchObject({
        mode: 'handoff',
        handoff: { reason: 'wants a person', claimedBy: null, escalated: false },
      });
    });
  });

  it('tells the customer and escalates the task when no agent claims it in time; nobody waits forever', async () => {
    h.generate = async () => ({ kind: 'handoff', reason: 'billing dispute', notice: 'handoffAck' });
    await h.withWorker(async (send, workflowId) => {
      await send(message('m1'));
      const taskId = await openedTask();
      expect(h.calls.handoffUpdates).toEqual([]);
      await h.env.sleep(settings.handoffTimeoutMs);
      expect(bodies()).toEqual([defaultServiceTexts.handoffAck, defaultServiceTexts.holding]);
      expect(h.calls.handoffUpdates).toEqual([{ status: 'escalated', note: undefined }]);
      expect(await h.env.client.workflow.getHandle(workflowId).query(snapshotQuery)).toMatchObject({ mode: 'handoff', handoff: { escalated: true } });

      // Still resolvable after escalation.
      await resolve(workflowId, taskId, { agentId: 'a1', note: null, action: 'return_to_ai' });
      expect(await h.env.client.workflow.getHandle(workflowId).query(snapshotQuery)).toMatchObject({ mode: 'ai', handoff: null });
      await keepHistory('handoff-escalated', h.env.client.workflow.getHandle(workflowId));
    });
  });

  it('returns to the AI when nobody resolves the handoff before it expires', async () => {
    h.generate = async (input) =>
      h.calls.replies.length === 1 ? { kind: 'handoff', reason: 'complaint', notice: 'handoffAck' } : { kind: 'text', text: `reply to ${input.untilMessageId}` };
    await h.withWorker(async (send, workflowId) => {
      await send(message('m1'));
      await openedTask();
      await h.env.sleep(settings.handoffExpiryMs);
      expect(h.calls.handoffUpdates.map((u) => u.status)).toEqual(['escalated', 'expired']);
      expect(await h.env.client.workflow.getHandle(workflowId).query(snapshotQuery)).toMatchObject({ mode: 'ai' });
      await send(message('m2'));
      await h.env.sleep(settings.batchMaxWaitMs);
      expect(bodies().at(-1)).toBe('reply to in:m2');
    });
  });

  it('continues as new during a long handoff, carrying the open task, its claim and its escalation', async () => {
    h.generate = async () => ({ kind: 'handoff', reason: 'long case', notice: 'handoffAck' });
    await h.withWorker(
      async (send, workflowId) => {
        await send(message('m1'));
        const taskId = await openedTask();
        const handle = h.env.client.workflow.getHandle(workflowId);
        const firstRun = (await handle.describe()).runId;
        await handle.executeUpdate(claimHandoffUpdate, { args: [{ taskId, agentId: 'a1' }] });
        for (let i = 2; i <= 6; i += 1) await send(message(`m${i}`, `still there? ${i}`));
        await expect.poll(async () => (await handle.describe()).runId, { timeout: 10_000 }).not.toBe(firstRun);
        await expect.poll(() => handle.query(snapshotQuery), { timeout: 10_000 }).toMatchObject({ mode: 'handoff', handoff: { taskId, claimedBy: 'a1' } });

        await handle.executeUpdate(resolveHandoffUpdate, { args: [{ taskId, agentId: 'a1', note: 'Done.', action: 'return_to_ai' }] });
        expect(await handle.query(snapshotQuery)).toMatchObject({ mode: 'ai', handoff: null });
        // One task the whole time: opened once, claimed once, resolved once, never escalated (it was claimed).
        expect(h.calls.handoffs).toHaveLength(1);
        expect(h.calls.handoffUpdates.map((u) => u.status)).toEqual(['claimed', 'resolved']);
        expect(h.calls.recorded).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
        await keepHistory('handoff-continued-as-new', h.env.client.workflow.getHandle(workflowId, firstRun));
      },
      // Escalation is not the subject here: a day to claim, whatever the server's clock does meanwhile.
      { maxHistoryEvents: 40, handoffTimeoutMs: 24 * 3600_000 },
    );
  });

  it('sends texts back to the newest text channel when a call ends, though the run continued as new during the call', async () => {
    h.generate = async () => ({ kind: 'handoff', reason: 'billing', notice: 'handoffAck' });
    await h.withWorker(
      async (send, workflowId) => {
        await send(message('m1', 'hi', 'whatsapp'));
        await openedTask();
        const handle = h.env.client.workflow.getHandle(workflowId);
        const firstRun = (await handle.describe()).runId;
        const call = { callSid: `CA${'1'.repeat(32)}`, caller: '+16045550100', service: '+15005550006' };
        await handle.signal(callStartedSignal, call);
        // The history grows while the call is on (word of talking over turns that never came): the run continues as new.
        for (let i = 0; i < 12; i += 1) await handle.signal(interruptSignal, { callSid: call.callSid, turnId: `x${i}`, heard: '', at: new Date().toISOString() });
        await expect.poll(async () => (await handle.describe()).runId, { timeout: 10_000 }).not.toBe(firstRun);
        await handle.signal(callEndedSignal, { callSid: call.callSid });
        // Nobody claimed the task: the holding message goes where the person last wrote, on WhatsApp.
        await h.env.sleep(settings.handoffTimeoutMs);
        await expect.poll(() => h.calls.sent.at(-1), { timeout: 10_000 }).toMatchObject({ channel: 'whatsapp', to: 'whatsapp:+16045550100', body: defaultServiceTexts.holding });
      },
      { maxHistoryEvents: 40 },
    );
  });

  describe('taken over by an agent', () => {
    /** A promise and the function that settles it. */
    function gate(): { opened: Promise<void>; open: () => void } {
      let open = () => {};
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { opened, open };
    }

    async function until(check: () => boolean, what: string): Promise<void> {
      for (let waited = 0; !check(); waited += 1) {
        if (waited > 200) throw new Error(`never: ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }

    it('keeps a run that was summarizing to end when an agent takes it over, and the agent has it', async () => {
      await h.withWorker(async (send, workflowId) => {
        const handle = h.env.client.workflow.getHandle(workflowId);
        await send(message('m1'));
        await h.env.sleep(5000);
        expect(bodies()).toEqual(['reply to in:m1']);
        const summary = gate();
        h.calls.summaryGate = summary.opened;
        // Idle: the run summarizes before it ends, and the agent takes it over meanwhile.
        void h.env.sleep(settings.idleMs + 1000);
        await until(() => h.calls.summaries === 1, 'the closing summary started');
        await handle.executeUpdate(takeOverUpdate, { args: [{ agentId: 'a1' }] });
        expect(h.calls.handoffs).toEqual([{ reason: 'An agent took the conversation over', taskId: expect.any(String), claimedBy: 'a1', kind: 'takeover' }]);
        summary.open();
        await h.env.sleep(1000);
        expect((await handle.describe()).status.name).toBe('RUNNING');
        expect(await handle.query(snapshotQuery)).toMatchObject({ mode: 'handoff', handoff: { claimedBy: 'a1' } });
        expect(h.calls.closed).toBe(0);

        await handle.executeUpdate(giveBackUpdate, { args: [{ agentId: 'a1' }] });
        await send(message('m2'));
        await h.env.sleep(5000);
        expect(bodies()).toEqual(['reply to in:m1', 'reply to in:m2']);
      });
    });

    it('does not send what the model was writing when an agent took over, nor let the model hand it to someone else', async () => {
      const model = gate();
      let turns = 0;
      h.generate = async (input) => {
        turns += 1;
        if (turns === 1) {
          await model.opened;
          return { kind: 'handoff', reason: 'wants a person', notice: 'handoffAck' };
        }
        return { kind: 'text', text: `reply to ${input.untilMessageId}` };
      };
      await h.withWorker(async (send, workflowId) => {
        const handle = h.env.client.workflow.getHandle(workflowId);
        await send(message('m1'));
        void h.env.sleep(3000);
        await until(() => turns === 1, 'the model started writing');
        // The agent's answer does not wait for the model.
        await handle.executeUpdate(takeOverUpdate, { args: [{ agentId: 'a1' }] });
        model.open();
        await h.env.sleep(2000);
        expect(bodies()).toEqual([]);
        expect(h.calls.handoffs.map((task) => task.kind)).toEqual(['takeover']);
        expect(await handle.query(snapshotQuery)).toMatchObject({ mode: 'handoff', handoff: { claimedBy: 'a1' } });

        await handle.executeUpdate(giveBackUpdate, { args: [{ agentId: 'a1' }] });
        await send(message('m2'));
        await h.env.sleep(5000);
        expect(bodies()).toEqual(['reply to in:m2']);
      });
    });
  });
});
