import { createHash } from 'node:crypto';
import type { ApiDeps } from './deps';
import { HttpError } from './errors';
import {
  conversationWorkflowId,
  inboundSignal,
  type ConversationInput,
  type InboundMessage,
} from '../workflows/definitions';
import type { conversationWorkflow } from '../workflows/conversation';

/** Stops bursts at the outer edge: a turn regenerated this often is answered and the rest wait for the next. */
const maxStaleRestarts = 2;
/** Far below Temporal's limits (50k events), so a replay after a cache eviction stays quick. */
const maxHistoryEvents = 10_000;

/**
 * Hands one customer message to its conversation workflow, starting the workflow if it is not running. The
 * workflow de-duplicates on the provider message id, so a retried webhook is harmless.
 */
export async function deliverInbound(
  { config, temporal }: ApiDeps,
  target: { tenantId: string; contactKey: string },
  message: InboundMessage,
): Promise<string> {
  const workflowId = conversationWorkflowId(target.tenantId, target.contactKey);
  const input: ConversationInput = {
    tenantId: target.tenantId,
    contactKey: target.contactKey,
    contactLabel: config.REDACT_PII ? hashContact(target.contactKey) : target.contactKey,
    settings: {
      batchQuietMs: config.BATCH_QUIET_MS,
      batchMaxWaitMs: config.BATCH_MAX_WAIT_MS,
      idleMs: config.CONVERSATION_IDLE_MS,
      maxToolRounds: config.LLM_MAX_TOOL_ROUNDS,
      maxStaleRestarts,
      maxHistoryEvents,
      handoffTimeoutMs: config.HANDOFF_TIMEOUT_MS,
    },
  };
  try {
    await temporal.workflow.signalWithStart<typeof conversationWorkflow, [InboundMessage]>('conversationWorkflow', {
      workflowId,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [input],
      signal: inboundSignal,
      signalArgs: [message],
    });
  } catch (error) {
    // Twilio retries a failed webhook with the same MessageSid, so refusing now loses nothing.
    throw new HttpError(503, 'temporal_unavailable', `could not hand the message to its conversation: ${String(error)}`);
  }
  return workflowId;
}

export function hashContact(contactKey: string): string {
  return createHash('sha256').update(contactKey).digest('hex').slice(0, 32);
}
