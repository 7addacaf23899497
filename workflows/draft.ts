import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DraftRequest } from '../activities/draft';

const { draftMessage } = proxyActivities<Activities>({
  startToCloseTimeout: '60 seconds',
  heartbeatTimeout: '5 seconds',
  // Reads and a model call: safe to repeat. Few attempts: an agent is waiting on the answer and can write it themselves.
  retry: { initialInterval: '1 second', maximumAttempts: 3 },
});

/**
 * A message written by the assistant for an agent to edit before it goes (the inbox's "draft with the assistant").
 * A workflow of its own, not a turn of the conversation: nothing is sent and the conversation does not change.
 */
export async function draftMessageWorkflow(input: DraftRequest): Promise<{ text: string }> {
  return draftMessage(input);
}
