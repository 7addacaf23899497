import { createHash, randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HttpError } from './errors';
import type { Config } from '../config';
import { refusal, type Refusal } from '../domain/failures';
import type { conversationWorkflow } from '../workflows/conversation';
import type { draftMessageWorkflow } from '../workflows/draft';
import type { DraftRequest } from '../activities/draft';
import {
  agentMessageUpdate,
  agentReplyUpdate,
  callEndedSignal,
  callStartedSignal,
  claimHandoffUpdate,
  inboundSignal,
  interruptSignal,
  placeCallUpdate,
  requestHandoffSignal,
  webTurnUpdate,
  resolveHandoffUpdate,
  decideApprovalUpdate,
  giveBackUpdate,
  takeOverUpdate,
  type ApprovalDecision,
  sendCodeUpdate,
  snapshotQuery,
  voiceTurnUpdate,
  type AgentAction,
  type AgentMessage,
  type CallRef,
  type CodeDelivery,
  type ConversationInput,
  type ConversationSettings,
  type ConversationSnapshot,
  type HandoffResolution,
  type InboundMessage,
  type Interruption,
  type VoiceTurnRequest,
  type VoiceTurnResult,
  type WebTurnRequest,
  type WebTurnResult,
} from '../workflows/definitions';
import { conversationWorkflowId, type ConversationKey } from '../domain/conversation-key';

/** Stops bursts at the outer edge: a turn regenerated this often is answered and the rest wait for the next. */
const maxStaleRestarts = 2;
/** Far below Temporal's limits (50k events), so a replay after a cache eviction stays quick. */
const maxHistoryEvents = 10_000;

export { conversationWorkflowId, type ConversationKey };

/** The timing and limits a run starts with, from the service's configuration. */
export function conversationSettings(config: Config): ConversationSettings {
  return {
    batchQuietMs: config.BATCH_QUIET_MS,
    batchMaxWaitMs: config.BATCH_MAX_WAIT_MS,
    idleMs: config.CONVERSATION_IDLE_MS,
    maxToolRounds: config.LLM_MAX_TOOL_ROUNDS,
    maxStaleRestarts,
    maxHistoryEvents,
    handoffTimeoutMs: config.HANDOFF_TIMEOUT_MS,
    handoffExpiryMs: config.HANDOFF_EXPIRY_MS,
    approvalTimeoutMs: config.APPROVAL_TIMEOUT_MS,
  };
}

/** The input a conversation's run starts with. */
export function conversationInput(key: ConversationKey, settings: ConversationSettings, redactPii: boolean): ConversationInput {
  return {
    tenantId: key.tenantId,
    contactKey: key.contactKey,
    contactLabel: redactPii ? hashContact(key.contactKey) : key.contactKey,
    settings,
  };
}

export function hashContact(contactKey: string): string {
  return createHash('sha256').update(contactKey).digest('hex').slice(0, 32);
}

/** How each refusal of a conversation is answered; one of a kind not listed here is a 409 in its own words. */
const refusalAnswers: Record<Refusal, [ContentfulStatusCode, string]> = {
  [refusal.deliveryRefused]: [422, 'not_sent'],
  [refusal.handoffClaimed]: [409, 'handoff_claimed'],
  [refusal.handoffNotOpen]: [409, 'handoff_not_open'],
  [refusal.unreachable]: [409, 'cannot_reach'],
  [refusal.callInProgress]: [409, 'call_in_progress'],
  [refusal.emptyMessage]: [400, 'empty_message'],
  [refusal.approvalDecided]: [409, 'approval_decided'],
};

/**
 * Turns a conversation's refusal (its update's failure, or no run to ask) into the API's answer, in its words. The
 * refusal may be the update's own failure or one an activity gave it (a call the channel would not place): the
 * first failure of a known kind in the chain answers; a refusal of another kind is a 409 in its own words.
 */
function refused(error: unknown): never {
  if (error instanceof WorkflowNotFoundError) throw new HttpError(409, 'conversation_not_running', 'the conversation is not running');
  if (!(error instanceof WorkflowUpdateFailedError)) throw error;
  let known: ApplicationFailure | null = null;
  for (let cause: unknown = error.cause; cause instanceof Error && !known; cause = cause.cause) {
    if (cause instanceof ApplicationFailure && cause.type && cause.type in refusalAnswers) known = cause;
  }
  const failure = known ?? (error.cause instanceof ApplicationFailure ? error.cause : null);
  if (!failure) throw error;
  const [status, code] = refusalAnswers[failure.type as Refusal] ?? [409, 'refused'];
  throw new HttpError(status, code, failure.message);
}

export type ConversationClient = ReturnType<typeof createConversationClient>;

/**
 * Everything that talks to a conversation from outside its workflow: starting it, handing it messages, the agents'
 * actions and its live state. Routes, scripts and tools go through here; nothing else builds workflow ids or the
 * settings a run starts with. A conversation's refusal comes out as an HttpError in words (`refused`).
 */
export function createConversationClient(temporal: Client, config: Config) {
  const settings = conversationSettings(config);
  const handle = (conversationId: string) => temporal.workflow.getHandle<typeof conversationWorkflow>(conversationId);
  /** Starts the conversation with an update unless it is running (then the update goes to the running one). */
  const starting = (key: ConversationKey) =>
    new WithStartWorkflowOperation<typeof conversationWorkflow>('conversationWorkflow', { ...startOptions(key), workflowIdConflictPolicy: 'USE_EXISTING' });
  const startOptions = (key: ConversationKey) => ({
    workflowId: conversationWorkflowId(key),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [conversationInput(key, settings, config.REDACT_PII)] as [ConversationInput],
  });

  return {
    /**
     * Hands one customer message to its conversation, starting the workflow if it is not running. The workflow
     * de-duplicates on the provider message id, so a retried webhook is harmless. Returns the conversation id.
     */
    async deliverInbound(key: ConversationKey, message: InboundMessage): Promise<string> {
      try {
        await temporal.workflow.signalWithStart<typeof conversationWorkflow, [InboundMessage]>('conversationWorkflow', {
          ...startOptions(key),
          signal: inboundSignal,
          signalArgs: [message],
        });
        return conversationWorkflowId(key);
      } catch (error) {
        // Twilio retries a failed webhook with the same MessageSid, so refusing now loses nothing.
        throw new HttpError(503, 'temporal_unavailable', `could not hand the message to its conversation: ${String(error)}`);
      }
    },

    /** A call connected: its conversation (started if needed) sends replies to it until it ends. */
    async callStarted(key: ConversationKey, call: CallRef): Promise<void> {
      await temporal.workflow.signalWithStart<typeof conversationWorkflow, [CallRef]>('conversationWorkflow', {
        ...startOptions(key),
        signal: callStartedSignal,
        signalArgs: [call],
      });
    },

    /**
     * One spoken turn, answered at once; its reply streams on the conversation's event channel while this waits
     * for the recorded result. Starts the conversation if it is not running. The update id is the turn's, so a
     * turn sent twice (a reconnect, a retry) is answered once.
     */
    voiceTurn(key: ConversationKey, turn: VoiceTurnRequest): Promise<VoiceTurnResult> {
      return temporal.workflow.executeUpdateWithStart(voiceTurnUpdate, {
        updateId: `${turn.callSid}:${turn.turnId}`,
        args: [turn],
        startWorkflowOperation: starting(key),
      });
    },

    /**
     * An agent writes to the person first (SMS or WhatsApp), starting the conversation's run if it had ended. With a
     * `requestId` (the request's Idempotency-Key) a request sent again is the same update: the message goes once.
     */
    agentMessage(key: ConversationKey, message: AgentMessage, requestId?: string): Promise<{ messageId: string }> {
      const updateId = requestId ? { updateId: `agent-message:${message.agentId}:${requestId}` } : {};
      return temporal.workflow.executeUpdateWithStart(agentMessageUpdate, { args: [message], startWorkflowOperation: starting(key), ...updateId }).catch(refused);
    },

    /** A one-time code by SMS to a number a web visitor claims, from their conversation. */
    sendCode(key: ConversationKey, code: CodeDelivery): Promise<{ messageId: string }> {
      return temporal.workflow.executeUpdateWithStart(sendCodeUpdate, { args: [code], startWorkflowOperation: starting(key) }).catch(refused);
    },

    /** An agent has the service call the person. */
    placeCall(key: ConversationKey, request: { agentId: string }): Promise<{ callSid: string }> {
      return temporal.workflow.executeUpdateWithStart(placeCallUpdate, { args: [request], startWorkflowOperation: starting(key) }).catch(refused);
    },

    /**
     * One message of a web chat session, answered at once; its reply streams on the conversation's event channel
     * while this waits for the recorded result. The update id is the message's, so a resent message is answered once.
     */
    webTurn(key: ConversationKey, turn: WebTurnRequest): Promise<WebTurnResult> {
      return temporal.workflow.executeUpdateWithStart(webTurnUpdate, {
        updateId: `${turn.sessionId}:${turn.turnId}`,
        args: [turn],
        startWorkflowOperation: starting(key),
      });
    },

    /** The result of a web chat turn already under way (a reconnecting client resumes it). */
    webTurnResult(conversationId: string, sessionId: string, turnId: string): Promise<WebTurnResult> {
      return handle(conversationId).getUpdateHandle<WebTurnResult>(`${sessionId}:${turnId}`).result();
    },

    /** The caller cut in on a reply. */
    async interrupt(conversationId: string, interruption: Interruption): Promise<void> {
      await handle(conversationId).signal(interruptSignal, interruption);
    },

    /** The call is over; its summary joins the conversation (started again if it had ended meanwhile). */
    async callEnded(key: ConversationKey, callSid: string): Promise<void> {
      await temporal.workflow.signalWithStart<typeof conversationWorkflow, [{ callSid: string }]>('conversationWorkflow', {
        ...startOptions(key),
        signal: callEndedSignal,
        signalArgs: [{ callSid }],
      });
    },

    /** The running workflow's own view (mode, pending batch); null when no run is open. */
    async snapshot(conversationId: string): Promise<ConversationSnapshot | null> {
      try {
        const description = await handle(conversationId).describe();
        if (description.status.name !== 'RUNNING') return null;
        return await handle(conversationId).query(snapshotQuery);
      } catch {
        return null;
      }
    },

    /** Asks for a person; 409 when no run is open (the next message starts one). */
    async requestHandoff(conversationId: string, reason: string): Promise<void> {
      try {
        await handle(conversationId).signal(requestHandoffSignal, { reason });
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) {
          throw new HttpError(409, 'conversation_not_running', 'the conversation is idle; it can be handed off once the customer writes');
        }
        throw error;
      }
    },

    claimHandoff(conversationId: string, action: AgentAction): Promise<void> {
      return handle(conversationId).executeUpdate(claimHandoffUpdate, { args: [action] }).catch(refused);
    },

    agentReply(conversationId: string, action: AgentAction & { body: string }): Promise<{ messageId: string }> {
      return handle(conversationId).executeUpdate(agentReplyUpdate, { args: [action] }).catch(refused);
    },

    resolveHandoff(conversationId: string, action: AgentAction & Omit<HandoffResolution, 'agentId'>): Promise<void> {
      return handle(conversationId).executeUpdate(resolveHandoffUpdate, { args: [action] }).catch(refused);
    },

    /**
     * An agent takes the conversation over (starting its run if it had ended); 409 in words when another agent has
     * it. Two agents at once: the first recorded wins, the other is refused.
     */
    takeOver(key: ConversationKey, agentId: string): Promise<void> {
      return temporal.workflow.executeUpdateWithStart(takeOverUpdate, { args: [{ agentId }], startWorkflowOperation: starting(key) }).catch(refused);
    },

    /** The agent holding the conversation gives it back to the assistant; 409 in words for anyone else. */
    giveBack(conversationId: string, agentId: string): Promise<void> {
      return handle(conversationId).executeUpdate(giveBackUpdate, { args: [{ agentId }] }).catch(refused);
    },

    /** A message written by the assistant for the agent to edit; nothing is sent and the conversation is unchanged. */
    async draft(request: DraftRequest): Promise<{ text: string }> {
      try {
        return await temporal.workflow.execute<typeof draftMessageWorkflow>('draftMessageWorkflow', {
          workflowId: `draft-${randomUUID()}`,
          taskQueue: config.TEMPORAL_TASK_QUEUE,
          args: [request],
          workflowExecutionTimeout: '2 minutes',
        });
      } catch (error) {
        throw new HttpError(503, 'draft_failed', `the assistant could not write a draft: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : String(error)}`);
      }
    },

    /** Approves or denies a tool call waiting for a person; 409 when it was decided already or dropped. */
    decideApproval(conversationId: string, decision: ApprovalDecision): Promise<void> {
      return handle(conversationId).executeUpdate(decideApprovalUpdate, { args: [decision] }).catch(refused);
    },
  };
}
