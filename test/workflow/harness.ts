import { CompleteAsyncError, Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { inject } from 'vitest';
import type { Activities } from '../../activities';
import type { GenerateReplyInput } from '../../activities/llm';
import type { SendMessageInput } from '../../activities/twilio';
import { workflowsPath } from '../../worker/conversation-worker';
import type { conversationWorkflow } from '../../workflows/conversation';
import {
  conversationWorkflowId,
  inboundSignal,
  searchAttributeTypes,
  type ConversationInput,
  type ConversationSettings,
  type InboundMessage,
} from '../../workflows/definitions';

/**
 * Runs the conversation workflow on the time-skipping server with activities replaced by recorders: a batching
 * window of seconds, or a handoff timeout of minutes, costs no wall time.
 */
export async function createEnvironment(): Promise<TestWorkflowEnvironment> {
  try {
    // Tests fail activities on purpose; their retry warnings are expected.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Installed by an earlier environment in this process.
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: inject('testServerPath') } },
  });
  // The time-skipping server takes no --search-attribute flags, but it does serve the operator API.
  const indexedValueType = { Keyword: 2, Bool: 5 } as const; // temporal.api.enums.v1.IndexedValueType
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      Object.entries(searchAttributeTypes).map(([name, type]) => [name, indexedValueType[type]]),
    ),
  });
  return env;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
function workflowBundle() {
  const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: silent });
  return bundle;
}

export interface Recorded {
  recorded: string[];
  replies: GenerateReplyInput[];
  sent: SendMessageInput[];
  summaries: number;
  handoffs: { reason: string; taskToken: Uint8Array }[];
  handoffUpdates: { status: string; note?: string | null }[];
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
};

export function message(id: string, body = id, channel: 'sms' | 'whatsapp' = 'sms'): InboundMessage {
  const prefix = channel === 'whatsapp' ? 'whatsapp:' : '';
  return { providerMessageId: id, channel, from: `${prefix}+16045550100`, to: `${prefix}+15005550006`, body, media: [], receivedAt: new Date().toISOString() };
}

export function newRecorder(): Recorded {
  return { recorded: [], replies: [], sent: [], summaries: 0, handoffs: [], handoffUpdates: [] };
}

export function recordingActivities(calls: Recorded, generate: () => Generate): Activities {
  const fake: Partial<Activities> = {
    async recordInbound({ message: m }) {
      calls.recorded.push(m.providerMessageId);
      return { messageId: `in:${m.providerMessageId}`, duplicate: false };
    },
    async generateReply(input) {
      calls.replies.push(structuredClone(input));
      return generate()(input);
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
    async awaitHandoff({ reason }) {
      calls.handoffs.push({ reason, taskToken: Context.current().info.taskToken });
      throw new CompleteAsyncError();
    },
    async updateHandoff({ status, note }) {
      calls.handoffUpdates.push({ status, note });
    },
    async summarizeConversation() {
      calls.summaries += 1;
    },
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
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
  const workflowId = conversationWorkflowId('default', `+1604555${taskQueue}`);
  const input: ConversationInput = {
    tenantId: 'default',
    contactKey: '+16045550100',
    contactLabel: '+16045550100',
    settings: { ...settings, ...overrides },
  };
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
