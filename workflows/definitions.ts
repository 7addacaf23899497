import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** Channels a customer message can arrive on; a reply goes out on the channel of the message it answers. */
export type Channel = 'sms' | 'whatsapp';

/** One customer message as the API hands it to the workflow. */
export interface InboundMessage {
  providerMessageId: string;
  channel: Channel;
  /** The customer's address as Twilio gave it (`+1604…` or `whatsapp:+1604…`). */
  from: string;
  /** Our number the customer wrote to, as Twilio gave it. */
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
}

/** Where replies go: the channel and addresses of the newest customer message. */
export interface ReplyTarget {
  channel: Channel;
  /** The customer. */
  to: string;
  /** Our number. */
  from: string;
}

/** A message waiting for its answer; `messageId` is set once it is recorded in Postgres. */
export interface PendingMessage {
  message: InboundMessage;
  messageId: string | null;
  /** Workflow time of arrival, for the batching window. */
  arrivedAt: number;
}

/** What survives continueAsNew: the unanswered messages and the de-duplication window. */
export interface CarriedState {
  pending: PendingMessage[];
  recentProviderIds: string[];
  turns: number;
  /** Channels the customer opted out of with STOP; no model turn runs for messages on them until START. */
  optedOutChannels: Channel[];
  replyTarget: ReplyTarget | null;
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
}

export const inboundSignal = defineSignal<[InboundMessage]>('inbound');
export const snapshotQuery = defineQuery<ConversationSnapshot>('snapshot');

/** An operator asks for a person to take over. */
export const requestHandoffSignal = defineSignal<[{ reason: string }]>('requestHandoff');

export interface AgentAction {
  taskId: string;
  agentId: string;
}

/** Rejected (not written to history) when the handoff is not open or another agent holds it. */
export const claimHandoffUpdate = defineUpdate<void, [AgentAction]>('claimHandoff');
/** Rejected unless the agent holds the open handoff; returns the outbound message id. */
export const agentReplyUpdate = defineUpdate<{ messageId: string }, [AgentAction & { body: string }]>('agentReply');

/** The ApplicationFailure type of a claim rejected because another agent holds the task. */
export const handoffClaimedError = 'HandoffClaimed';

export const searchAttributes = {
  tenantId: defineSearchAttributeKey('TenantId', 'KEYWORD'),
  contactKey: defineSearchAttributeKey('ContactKey', 'KEYWORD'),
  channel: defineSearchAttributeKey('Channel', 'KEYWORD'),
  mode: defineSearchAttributeKey('ConversationMode', 'KEYWORD'),
  handoffOpen: defineSearchAttributeKey('HandoffOpen', 'BOOL'),
} as const;

/** The same attributes in the form the dev server's `--search-attribute NAME=Type` flag takes. */
export const searchAttributeTypes: Record<string, 'Keyword' | 'Bool'> = {
  TenantId: 'Keyword',
  ContactKey: 'Keyword',
  Channel: 'Keyword',
  ConversationMode: 'Keyword',
  HandoffOpen: 'Bool',
};

/** One workflow per (tenant, contact): SMS, WhatsApp and voice from one number share a conversation. */
export function conversationWorkflowId(tenantId: string, contactKey: string): string {
  return `conversation:${tenantId}:${contactKey}`;
}
