import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Channel, ReplyTarget } from '../domain/channels';
import type { ReplyOptions } from '../domain/reply-options';
import type { TemplateUse } from '../domain/whatsapp-template';

export type { Channel, ReplyTarget } from '../domain/channels';

/** One customer message as a channel's door hands it to the workflow. */
export interface InboundMessage {
  /** The channel's own id for the message (Twilio's MessageSid): the de-duplication key. */
  providerMessageId: string;
  channel: Channel;
  /** The customer's address as the channel gave it (`+1604…`, `whatsapp:+1604…`): replies go back to it. */
  from: string;
  /** The service's address the customer wrote to, as the channel gave it; replies are sent from it. */
  to: string;
  body: string;
  media: { url: string; contentType: string }[];
  receivedAt: string;
}

/** Timing and limits, decided from config by whoever starts the workflow (workflow code cannot read env). */
export interface ConversationSettings {
  batchQuietMs: number;
  batchMaxWaitMs: number;
  idleMs: number;
  maxToolRounds: number;
  /** Restarts of a reply turn because newer messages arrived while it was generated. */
  maxStaleRestarts: number;
  /** History length after which the run continues as new (Temporal may suggest it earlier). */
  maxHistoryEvents: number;
  /** How long a handoff waits for an agent to claim it before the customer hears back and it is escalated. */
  handoffTimeoutMs: number;
  /** How long a handoff may stay unresolved before the AI takes the conversation back. */
  handoffExpiryMs: number;
  /** How long a tool call waits for a person's approval before it is dropped (absent in runs started before). */
  approvalTimeoutMs?: number;
}

/** A message waiting for its answer; `messageId` is set once it is recorded in Postgres. */
export interface PendingMessage {
  message: InboundMessage;
  messageId: string | null;
  /** The contact had opted out of the message's channel when it was recorded: it gets no model turn. */
  optedOut?: boolean;
  /** Workflow time of arrival, for the batching window. */
  arrivedAt: number;
}

/** A handoff to people that is open: carried across continueAsNew, so a long handoff does not grow one history. */
export interface OpenHandoff {
  taskId: string;
  reason: string;
  claimedBy: string | null;
  escalated: boolean;
  /** Workflow time it opened: escalation and expiry count from here. */
  openedAt: number;
  /** Whether the task row exists (the first step of running it). */
  recorded: boolean;
  /** The channel of the person's newest message when it opened (a call, a chat): how agents see the task. */
  channel?: Channel | null;
  /** `takeover`: an agent joined unasked; the customer was not told (absent: a handoff). */
  kind?: 'takeover';
}

/** Where replies go and which channels the person used (`routing.ts`). */
export interface RoutingState {
  replyTarget: ReplyTarget | null;
  /** Where text replies go when a call ends (absent in runs carried before it was). */
  textTarget?: ReplyTarget | null;
  /** Every channel the person used, for the `Channels` search attribute. */
  channels: Channel[];
}

/** What survives continueAsNew. */
export interface CarriedState extends RoutingState {
  /** A call in progress (its turns come as updates; this is where replies go meanwhile). */
  call?: CallRef | null;
  pending: PendingMessage[];
  recentProviderIds: string[];
  turns: number;
  handoff: OpenHandoff | null;
  /** Tool calls waiting for a person's approval. */
  approvals?: PendingApproval[];
}

/** A tool call a person must approve before it runs (`approvals.ts`), bound to its exact tool and arguments. */
export interface PendingApproval {
  approvalId: string;
  tool: string;
  arguments: Record<string, unknown>;
  /** The write's idempotency key, fixed when the model asked: the approved call runs once under it. */
  key: string;
  /** Workflow time after which it is dropped undecided. */
  deadline: number;
  /** The tool's declaration when it was opened (absent in approvals opened before this was kept). */
  fingerprint?: string;
  decision?: ApprovalDecision | { decision: 'expired' };
}

/** A person's decision on an approval. */
export interface ApprovalDecision {
  approvalId: string;
  decision: 'approve' | 'deny';
  agentId: string;
  note?: string | null;
}

export interface ConversationInput {
  tenantId: string;
  contactKey: string;
  /** The ContactKey search attribute: the contact key itself, or its hash when PII is redacted. */
  contactLabel: string;
  settings: ConversationSettings;
  carried?: CarriedState;
}

export type ConversationMode = 'ai' | 'handoff';

export interface HandoffSnapshot {
  taskId: string;
  reason: string;
  claimedBy: string | null;
  escalated: boolean;
}

export interface ConversationSnapshot {
  mode: ConversationMode;
  handoff: HandoffSnapshot | null;
  pendingCount: number;
  turns: number;
  lastActivityAt: string | null;
  lastChannel: Channel | null;
  channels: Channel[];
  /** The web chat turn whose reply is being written, if any (a reconnecting chat client resumes it). */
  webTurn: { sessionId: string; turnId: string } | null;
}

/** A phone call of the conversation's person: its Twilio CallSid and the two numbers. */
export interface CallRef {
  callSid: string;
  /** The customer's number (E.164). */
  caller: string;
  /** The service's number on the call. */
  service: string;
}

/** One thing the caller said (the final prompt of a ConversationRelay turn) or a key they pressed. */
export interface VoiceTurnRequest extends CallRef {
  /** Unique within the call, chosen by the relay session: the de-duplication key of the turn. */
  turnId: string;
  kind: 'speech' | 'dtmf';
  /** The words, or the digit pressed. */
  prompt: string;
  receivedAt: string;
}

export interface VoiceTurnResult {
  /** What the reply said in full (the caller may have heard less; see `outcome`). */
  text: string;
  /**
   * `answered`: the reply was spoken in full. `interrupted`: the caller cut in; only what they heard is kept.
   * `handoff`: the call goes to a person (the session ends with handoffData). `silent`: no reply (a person has the
   * conversation, or the turn was seen before).
   */
  outcome: 'answered' | 'interrupted' | 'handoff' | 'silent';
}

/** One message a web visitor sent in a chat session; its reply streams to the session's open request. */
export interface WebTurnRequest {
  sessionId: string;
  /** The message's id from the visitor's chat client: the de-duplication key of the turn. */
  turnId: string;
  text: string;
  receivedAt: string;
}

export interface WebTurnResult {
  /** The reply in full (empty when there is none). */
  text: string;
  /** The recorded reply. */
  messageId: string | null;
  /** `handoff`: a person takes over (the text says so); `silent`: a person has it already, or the turn was seen. */
  outcome: 'answered' | 'handoff' | 'silent' | 'superseded';
  /** Buttons under the reply. */
  options?: ReplyOptions;
}

export const inboundSignal = defineSignal<[InboundMessage]>('inbound');
/** One message of a web chat session, answered at once and streamed. */
export const webTurnUpdate = defineUpdate<WebTurnResult, [WebTurnRequest]>('webTurn');
/** A call connected: until it ends, replies and agents' messages go to it. */
export const callStartedSignal = defineSignal<[CallRef]>('callStarted');
/** One spoken turn; its reply streams on the event bus as it is written; returns once the turn is recorded. */
export const voiceTurnUpdate = defineUpdate<VoiceTurnResult, [VoiceTurnRequest]>('voiceTurn');
/** The caller cut in: stop the reply of `turnId` and keep only what they heard. */
export interface Interruption {
  callSid: string;
  turnId: string;
  /** What the caller heard of the reply (ConversationRelay's `utteranceUntilInterrupt`). */
  heard: string;
  /** When they cut in: where the part they heard belongs in the conversation. */
  at: string;
}
export const interruptSignal = defineSignal<[Interruption]>('interrupt');
/** The call is over: a summary of it joins the conversation. */
export const callEndedSignal = defineSignal<[{ callSid: string }]>('callEnded');
export const snapshotQuery = defineQuery<ConversationSnapshot>('snapshot');

/** An operator asks for a person to take over. */
export const requestHandoffSignal = defineSignal<[{ reason: string }]>('requestHandoff');

export interface AgentAction {
  taskId: string;
  agentId: string;
}

/** How an agent ends a handoff. */
export interface HandoffResolution {
  agentId: string;
  /** Joins the conversation as an internal message the AI sees (never sent). */
  note: string | null;
  /** `return_to_ai`: the AI answers again. `close`: the conversation's run ends; the next message starts afresh. */
  action: 'return_to_ai' | 'close';
}

/** Rejected (not written to history) when the handoff is not open or another agent holds it. */
export const claimHandoffUpdate = defineUpdate<void, [AgentAction]>('claimHandoff');
/** Rejected unless the agent holds the open handoff; returns the outbound message id. */
export const agentReplyUpdate = defineUpdate<{ messageId: string }, [AgentAction & { body: string }]>('agentReply');
/** Rejected unless the agent holds the open handoff; returns once the resolution is recorded. */
export const resolveHandoffUpdate = defineUpdate<void, [AgentAction & Omit<HandoffResolution, 'agentId'>]>('resolveHandoff');

/**
 * An agent takes the conversation over, whether or not anyone handed it over: the assistant answers nothing until
 * they give it back (or the handoff expiry hands it back), and the customer is not told. Rejected while another agent
 * holds it.
 */
export const takeOverUpdate = defineUpdate<void, [{ agentId: string }]>('takeOver');
/** The agent holding the conversation gives it back to the assistant; rejected for anyone else. */
export const giveBackUpdate = defineUpdate<void, [{ agentId: string }]>('giveBack');

/** For runs started before approvals had a timeout of their own (APPROVAL_TIMEOUT_MS's default). */
export const defaultApprovalTimeoutMs = 60 * 60_000;

/** Rejected unless the approval waits for a decision; returns once the decision is recorded. */
export const decideApprovalUpdate = defineUpdate<void, [ApprovalDecision]>('decideApproval');

/** An agent asks the service to call the person (Twilio Calls API); the call is answered like any other. */
export const placeCallUpdate = defineUpdate<{ callSid: string }, [{ agentId: string }]>('placeCall');

/** An agent writes to the person first, by SMS or WhatsApp; returns the outbound message id. */
export interface AgentMessage {
  agentId: string;
  channel: 'sms' | 'whatsapp';
  /** What the person reads (a template's, filled in). */
  body: string;
  /** An approved WhatsApp template, sent as such (outside the 24-hour window only a template may go). */
  template?: TemplateUse;
}
export const agentMessageUpdate = defineUpdate<{ messageId: string }, [AgentMessage]>('agentMessage');

/**
 * A one-time code to a phone number a web visitor claims, by SMS from `sender` (the tenant's number). Only the
 * code's id travels (the delivery derives the code): the code is never in this history.
 */
export const sendCodeUpdate = defineUpdate<{ messageId: string }, [CodeDelivery]>('sendCode');

export interface CodeDelivery {
  phone: string;
  sender: string;
  codeId: string;
}

/** What became of a message for the customer: sent (the outbox id), or refused and why. */
export type Delivered = { messageId: string } | { refused: string };

export const searchAttributes = {
  tenantId: defineSearchAttributeKey('TenantId', 'KEYWORD'),
  contactKey: defineSearchAttributeKey('ContactKey', 'KEYWORD'),
  /** The channel of the newest message. */
  channel: defineSearchAttributeKey('Channel', 'KEYWORD'),
  /** Every channel the person used: `Channels = 'whatsapp'` finds them whichever channel came last. */
  channels: defineSearchAttributeKey('Channels', 'KEYWORD_LIST'),
  mode: defineSearchAttributeKey('ConversationMode', 'KEYWORD'),
  handoffOpen: defineSearchAttributeKey('HandoffOpen', 'BOOL'),
} as const;

/** The same attributes in the form the dev server's `--search-attribute NAME=Type` flag takes. */
export const searchAttributeTypes: Record<string, 'Keyword' | 'KeywordList' | 'Bool'> = {
  TenantId: 'Keyword',
  ContactKey: 'Keyword',
  Channel: 'Keyword',
  Channels: 'KeywordList',
  ConversationMode: 'Keyword',
  HandoffOpen: 'Bool',
};
