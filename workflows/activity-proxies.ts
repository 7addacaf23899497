import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

// Every activity with its timeout and retry policy, and why repeating it is safe (or why it must not repeat).

// A local activity: one short insert runs inside the worker's workflow task, saving a round trip through the server
// on every message (the largest cost a turn had over the bare floor). No attempt limit: an inbound message must
// never be lost, even through a long Postgres outage, and the insert is idempotent (deterministic row id + unique
// provider id), so a repeat after a worker crash is harmless.
export const { recordInbound } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

export const { generateReply } = proxyActivities<Activities>({
  startToCloseTimeout: '60 seconds',
  // Safe to repeat (reads and a model call). Bounded so a customer hears back within seconds when the model is
  // down: after the last attempt the workflow sends the fallback message and hands over to a person.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
});

export const { searchKnowledge } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  // Read-only. A failed lookup becomes a tool error the model can work around, so a few attempts suffice.
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 3 },
});

export const { sendMessage, sendHelpReply } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // The outbox row makes a repeat skip parts Twilio already accepted; Twilio 4xx fail at once (non-retryable).
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

export const { summarizeConversation } = proxyActivities<Activities>({
  startToCloseTimeout: '60 seconds',
  // Overwrites one field; losing a summary only shortens what the next run remembers.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});

export const { awaitHandoff } = proxyActivities<Activities>({
  // Completed by an agent through the API. The escalation timer answers the customer long before this; after a
  // week unresolved the conversation returns to the AI.
  startToCloseTimeout: '7 days',
  // One attempt: a second would open a second wait for the same task.
  retry: { maximumAttempts: 1 },
});

export const { updateHandoff } = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  // Sets the task's status (and writes the note with a fixed id), so repeats land on the same state.
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
