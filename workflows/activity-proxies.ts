import { ActivityFailure, isCancellation, log, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

// Every activity with its timeout and retry policy, and why repeating it is safe (or why it must not repeat).
// Activities that can take seconds heartbeat every second with a 5 s heartbeat timeout: when a worker dies mid-call,
// the attempt is retried on a live worker within seconds, not at the start-to-close timeout.
const heartbeatTimeout = '5 seconds';

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
  heartbeatTimeout,
  // Safe to repeat (reads and a model call). Bounded so a customer hears back within seconds when the model is
  // down: after the last attempt the workflow sends the fallback message and hands over to a person.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
});

// `searchKnowledge` serves turns recorded before the tool registry (`runReadTool` runs it now).
export const { searchKnowledge, runReadTool } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  // Read-only. A failed lookup becomes a tool error the model can work around, so a few attempts suffice.
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 3 },
});

export const { runWriteTool } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout,
  // Acts once per key whatever is retried (the outcome commits with the effect, and a repeat returns it), so it
  // retries through a worker's death or a database blip; after the last attempt the model is told it may not
  // have gone through.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 6 },
});

export const { sendMessage } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  heartbeatTimeout,
  // The outbox row makes a repeat skip parts the channel already accepted, and a part whose acceptance was lost is
  // found again at the provider before anything is resent; a final rejection fails at once (non-retryable).
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/** A summary that could not be written only shortens what later turns remember: the conversation goes on. */
function skippedOnFailure<T>(what: string, run: (input: T) => Promise<void>): (input: T) => Promise<void> {
  return async (input) => {
    try {
      await run(input);
    } catch (error) {
      if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
      log.warn(`${what} skipped`, { error: error.cause?.message ?? error.message });
    }
  };
}

const summaries = proxyActivities<Activities>({
  startToCloseTimeout: '60 seconds',
  heartbeatTimeout,
  // Folds in what is new since the last summary; a repeat finds nothing new. Bounded, and a failure is skipped.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});
export const summarizeConversation = skippedOnFailure('conversation summary', summaries.summarizeConversation);

export const { openHandoffTask, updateHandoff, openApproval, recordApprovalDecision, closeApproval, conversationClosed } = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  // The task's (and approval's) id comes from the workflow: a repeat inserts nothing new and sets the same status
  // (the note has a fixed id too), so they retry until the database takes them. Marking a conversation closed sets
  // a time: a repeat sets it again.
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

const callRecords = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  // recordInterruption sets the same values again; endCall's repeat asks the same relay session to end again.
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5 },
});
export const { endCall } = callRecords;
// Runs from the caller's interruption (a signal, which must not fail the conversation): a record that cannot be
// written keeps the whole reply instead of what was heard.
export const recordInterruption = skippedOnFailure('interruption record', callRecords.recordInterruption);

const callSummaries = proxyActivities<Activities>({
  startToCloseTimeout: '60 seconds',
  heartbeatTimeout,
  // The note has a fixed id, so a repeat writes nothing new; a call without its summary only shortens memory.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});
export const summarizeCall = skippedOnFailure('call summary', callSummaries.summarizeCall);

export const { placeOutboundCall } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // One attempt: Twilio's Calls API takes no idempotency key, and ringing a person twice is worse than telling
  // the agent the call could not be placed.
  retry: { maximumAttempts: 1 },
});
