import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fallbackReply, holdingReply } from '../../workflows/conversation';
import { snapshotQuery, type InboundMessage } from '../../workflows/definitions';
import { handoffAck } from '../../workflows/reply-turn';
import { createEnvironment, message, newRecorder, recordingActivities, settings, withWorker as runWithWorker, type Generate, type Recorded } from './harness';

/**
 * Handoffs on the time-skipping server. The wait for an agent is an activity completed asynchronously; while it is
 * outstanding the server holds its clock, so each test has its own server and releases that hold explicitly.
 */
let env: TestWorkflowEnvironment;
let calls: Recorded;
let generate: Generate;

beforeEach(async () => {
  env = await createEnvironment();
  calls = newRecorder();
  generate = async (input) => ({ kind: 'text', text: `reply to ${input.untilMessageId}` });
});
afterEach(async () => {
  await env?.teardown();
});

function withWorker(run: (send: (m: InboundMessage) => Promise<void>, workflowId: string) => Promise<void>) {
  return runWithWorker(env, recordingActivities(calls, () => generate), run);
}

/**
 * Lets time skip past the outstanding handoff activity. From here on the server's clock runs free whenever the
 * workflow is idle, so later steps poll for their outcome instead of sleeping a fixed amount.
 */
async function releaseClock(): Promise<void> {
  for (let waited = 0; calls.handoffs.length === 0; waited += 1) {
    if (waited > 120) throw new Error('no handoff was opened');
    await env.sleep(1000);
  }
  await env.connection.testService?.unlockTimeSkipping({});
}

describe('handoff', () => {
  it('sends the fallback message when the model stays down and hands the conversation to a person', async () => {
    let down = true;
    generate = async (input) => {
      if (down) throw new Error('model unavailable');
      return { kind: 'text', text: `reply to ${input.untilMessageId}` };
    };
    await withWorker(async (send, workflowId) => {
      await send(message('m1'));
      await releaseClock();
      expect(calls.replies).toHaveLength(4);
      expect(calls.sent.map((s) => s.body)).toEqual([fallbackReply]);
      expect(calls.handoffs.map((h) => h.reason)).toEqual([expect.stringContaining('model stayed unavailable')]);
      const snapshot = await env.client.workflow.getHandle(workflowId).query(snapshotQuery);
      expect(snapshot).toMatchObject({ mode: 'handoff', pendingCount: 0, turns: 1 });

      // An agent resolves it; the AI answers again.
      down = false;
      await env.client.activity.complete(calls.handoffs[0]?.taskToken ?? new Uint8Array(), { agentId: 'a1', note: 'Refund sent.', action: 'return_to_ai' });
      await expect.poll(() => env.client.workflow.getHandle(workflowId).query(snapshotQuery)).toMatchObject({ mode: 'ai' });
      await send(message('m2'));
      await expect.poll(() => calls.sent.map((s) => s.body), { timeout: 10_000 }).toEqual([fallbackReply, 'reply to in:m2']);
      expect(calls.handoffUpdates.at(-1)).toEqual({ status: 'resolved', note: 'Refund sent.' });
    });
  });

  it('keeps the AI silent while a person has the conversation', async () => {
    generate = async () => ({ kind: 'handoff', reason: 'wants a person', text: handoffAck });
    await withWorker(async (send, workflowId) => {
      await send(message('m1', 'I want to talk to a human'));
      await releaseClock();
      expect(calls.sent.map((s) => s.body)).toEqual([handoffAck]);
      await send(message('m2', 'hello?'));
      await send(message('m3', 'anyone?'));
      await expect.poll(() => calls.recorded).toEqual(['m1', 'm2', 'm3']);
      await env.sleep(settings.batchMaxWaitMs);
      expect(calls.replies).toHaveLength(1);
      // With the clock running free the escalation notice may already have gone out; no AI reply has.
      expect(calls.sent.map((s) => s.body).filter((body) => body !== holdingReply)).toEqual([handoffAck]);
      expect(await env.client.workflow.getHandle(workflowId).query(snapshotQuery)).toMatchObject({
        mode: 'handoff',
        handoff: { reason: 'wants a person', claimedBy: null, escalated: false },
      });
    });
  });

  it('tells the customer and escalates the task when no agent claims it in time; nobody waits forever', async () => {
    generate = async () => ({ kind: 'handoff', reason: 'billing dispute', text: handoffAck });
    await withWorker(async (send, workflowId) => {
      await send(message('m1'));
      await releaseClock();
      expect(calls.handoffUpdates).toEqual([]);
      await env.sleep(settings.handoffTimeoutMs);
      expect(calls.sent.map((s) => s.body)).toEqual([handoffAck, holdingReply]);
      expect(calls.handoffUpdates).toEqual([{ status: 'escalated' }]);
      expect(await env.client.workflow.getHandle(workflowId).query(snapshotQuery)).toMatchObject({ mode: 'handoff', handoff: { escalated: true } });

      // Still resolvable after escalation.
      await env.client.activity.complete(calls.handoffs[0]?.taskToken ?? new Uint8Array(), { agentId: 'a1', note: null, action: 'return_to_ai' });
      await expect.poll(() => env.client.workflow.getHandle(workflowId).query(snapshotQuery), { timeout: 10_000 }).toMatchObject({ mode: 'ai', handoff: null });
    });
  });

  it('returns to the AI when the wait itself times out', async () => {
    generate = async (input) =>
      calls.replies.length === 1 ? { kind: 'handoff', reason: 'complaint', text: handoffAck } : { kind: 'text', text: `reply to ${input.untilMessageId}` };
    await withWorker(async (send, workflowId) => {
      await send(message('m1'));
      await releaseClock();
      await env.sleep(8 * 24 * 3600_000);
      await expect.poll(() => calls.handoffUpdates.map((u) => u.status), { timeout: 10_000 }).toEqual(['escalated', 'expired']);
      expect(await env.client.workflow.getHandle(workflowId).query(snapshotQuery)).toMatchObject({ mode: 'ai' });
      await send(message('m2'));
      await expect.poll(() => calls.sent.at(-1)?.body, { timeout: 10_000 }).toBe('reply to in:m2');
    });
  });
});

