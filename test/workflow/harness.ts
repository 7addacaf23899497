import { Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import type { Activities } from '../../activities';
import type { GenerateReplyInput } from '../../activities/llm';
import { conversationInput, conversationWorkflowId } from '../../api/conversation-client';
import { ensureSearchAttributes } from '../../devkit/temporal-dev-server';
import { keywordOf } from '../../domain/keywords';
import { defaultServiceTexts } from '../../domain/texts';
import type { conversationWorkflow } from '../../workflows/conversation';
import { inboundSignal, type ConversationSettings, type InboundMessage } from '../../workflows/definitions';

/**
 * Runs the conversation workflow on the time-skipping server with activities replaced by recorders: a batching
 * window of seconds, or a handoff timeout of minutes, costs no wall time.
 */
export async function createEnvironment(): Promise<TestWorkflowEnvironment> {
  try {
    // Tests fail activities on purpose; their retry warnings are expected, as is the test server's note that it
    // keeps no heartbeat details.
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } } });
  } catch {
    // Installed by an earlier environment in this process.
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('testServerPath') } },
  });
  // The time-skipping server takes no --search-attribute flags, but it does serve the operator API.
  await ensureSearchAttributes(env.connection, 'default');
  return env;
}

/** What a delivery put on the wire: the channel, the addresses, and the text (a service text in its default wording). */
export interface SentRecord {
  channel: string;
  to: string;
  from: string | null;
  body: string;
  author: string;
}

export interface Recorded {
  /** The provider id of each message the workflow asked to record, once per call (not per re-run of a failed task). */
  recorded: string[];
  replies: GenerateReplyInput[];
  sent: SentRecord[];
  summaries: number;
  /** Runs that ended (the inbox shows the conversation closed). */
  closed: number;
  handoffs: { reason: string; taskId: string; claimedBy?: string; kind?: string }[];
  /** While set, summaries wait for it (a run caught summarizing before it ends). */
  summaryGate?: Promise<void>;
  handoffUpdates: { status: string; note?: string | null }[];
  /** Each tool activity call (every attempt), with the key the workflow gave a write. */
  tools: { name: string; arguments: Record<string, unknown>; key?: string }[];
}

export type Generate = (input: GenerateReplyInput) => Promise<Awaited<ReturnType<Activities['generateReply']>>>;

export const settings: ConversationSettings = {
  batchQuietMs: 1500,
  batchMaxWaitMs: 8000,
  idleMs: 30 * 60_000,
  maxToolRounds: 3,
  maxStaleRestarts: 2,
  maxHistoryEvents: 10_000,
  handoffTimeoutMs: 10 * 60_000,
  handoffExpiryMs: 7 * 24 * 3600_000,
};

export function message(id: string, body = id, channel: 'sms' | 'whatsapp' = 'sms'): InboundMessage {
  const prefix = channel === 'whatsapp' ? 'whatsapp:' : '';
  return { providerMessageId: id, channel, from: `${prefix}+16045550100`, to: `${prefix}+15005550006`, body, media: [], receivedAt: new Date().toISOString() };
}

export function newRecorder(): Recorded {
  return { recorded: [], replies: [], sent: [], summaries: 0, closed: 0, handoffs: [], handoffUpdates: [], tools: [] };
}

/**
 * Activities that record what the workflow asked of them. Opt-outs live here as they live in Postgres: STOP adds the
 * channel, START removes it, and every recorded message reports the contact's state for its channel.
 */
export function recordingActivities(calls: Recorded, generate: () => Generate): Activities {
  const optedOut = new Set<string>();
  const channels = new Set<string>();
  /** Each call the workflow made, once: a workflow task that fails is retried, and its local activities run again. */
  const calledBefore = new Set<string>();
  const fake: Partial<Activities> = {
    async recordInbound({ message: m }) {
      const { workflowExecution, activityId } = Context.current().info;
      const call = `${workflowExecution?.runId ?? ''}:${activityId}`;
      if (!calledBefore.has(call)) calls.recorded.push(m.providerMessageId);
      calledBefore.add(call);
      channels.add(m.channel);
      const keyword = keywordOf(m.body);
      if (keyword === 'stop') optedOut.add(m.channel);
      if (keyword === 'start') optedOut.delete(m.channel);
      return { messageId: `in:${m.providerMessageId}`, duplicate: false, optedOut: optedOut.has(m.channel), channels: [...channels] };
    },
    async generateReply(input) {
      calls.replies.push(structuredClone(input));
      return generate()(input);
    },
    async searchKnowledge() {
      return 'passage';
    },
    async runReadTool({ name, arguments: args }) {
      calls.tools.push({ name, arguments: args });
      return name === 'search_knowledge' ? 'passage' : { read: name };
    },
    async runWriteTool({ name, arguments: args, key }) {
      calls.tools.push({ name, arguments: args, key });
      return { done: name, times: calls.tools.filter((t) => t.key === key).length };
    },
    async sendMessage({ target, delivery }) {
      const body = 'text' in delivery ? delivery.text : 'notice' in delivery ? defaultServiceTexts[delivery.notice] : `code ${delivery.code}`;
      calls.sent.push({ channel: target.channel, to: target.address, from: target.sender, body, author: delivery.author });
      return { providerMessageIds: [`SM${calls.sent.length}`] };
    },
    async openHandoffTask({ reason, taskId, claimedBy, kind }) {
      calls.handoffs.push({ reason, taskId, ...(claimedBy ? { claimedBy, kind } : {}) });
    },
    async updateHandoff({ status, note }) {
      calls.handoffUpdates.push({ status, note });
    },
    async summarizeConversation() {
      calls.summaries += 1;
      await calls.summaryGate;
    },
    async conversationClosed() {
      calls.closed += 1;
    },
    async summarizeCall() {},
  };
  return fake as Activities;
}

let counter = 0;

/** Runs `run` with a worker on a fresh task queue and a fresh conversation id; terminates the workflow after. */
export async function withWorker(
  env: TestWorkflowEnvironment,
  activities: Activities,
  run: (send: (m: InboundMessage) => Promise<void>, workflowId: string) => Promise<void>,
  overrides: Partial<ConversationSettings> = {},
): Promise<void> {
  const taskQueue = `wf-${(counter += 1)}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: { codePath: inject('workflowBundlePath') }, activities });
  const workflowId = conversationWorkflowId({ tenantId: 'default', contactKey: `+1604555${taskQueue}` });
  const input = conversationInput({ tenantId: 'default', contactKey: '+16045550100' }, { ...settings, ...overrides }, false);
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

/** What a workflow test file works with: its time-skipping server, what the activities recorded, the fake model. */
export interface Harness {
  env: TestWorkflowEnvironment;
  calls: Recorded;
  /** The model for the next turns; by default it answers `reply to <newest message id>`. */
  generate: Generate;
  withWorker(
    run: (send: (m: InboundMessage) => Promise<void>, workflowId: string) => Promise<void>,
    overrides?: Partial<ConversationSettings>,
  ): Promise<void>;
}

/** One time-skipping server for the file; fresh recordings and the default model before each test. */
export function useHarness(): Harness {
  const harness: Harness = {
    env: undefined as unknown as TestWorkflowEnvironment,
    calls: newRecorder(),
    generate: answerWithId,
    withWorker: (run, overrides = {}) => withWorker(harness.env, recordingActivities(harness.calls, () => harness.generate), run, overrides),
  };
  beforeAll(async () => {
    harness.env = await createEnvironment();
  });
  afterAll(async () => {
    await harness.env?.teardown();
  });
  beforeEach(() => {
    harness.calls = newRecorder();
    harness.generate = answerWithId;
  });
  return harness;
}

const answerWithId: Generate = async (input) => ({ kind: 'text', text: `reply to ${input.untilMessageId}` });
