// The wire between the agent API (`api/routes/agents.ts`, `handoffs.ts`, `conversations.ts`) and the agent console.
// Types only: the server and the browser code both import them, and neither can drift from the other.
import type { ConversationEvent } from '../../domain/conversation-events';
import type { ReplyOptions } from '../../domain/reply-options';
import type { ReplySource } from '../../domain/citations';
import type { KnowledgeGap } from '../../domain/knowledge-gaps';
import type { z } from '@hono/zod-openapi';
import type {
  agentViewSchema,
  approvalListSchema,
  approvalViewSchema,
  bookingListSchema,
  bookingViewSchema,
  leadListSchema,
  leadViewSchema,
  orderListSchema,
  orderViewSchema,
  conversationListItemSchema,
  toolListSchema,
  toolViewSchema, conversationListSchema, handoffQueueSchema, handoffViewSchema, modelsViewSchema, personaViewSchema, usageReportSchema, whatsAppTemplateListSchema, whatsAppTemplateSchema } from './agent-schemas';

export type { ConversationEvent };

export type AgentView = z.infer<typeof agentViewSchema>;
export type UsageReport = z.infer<typeof usageReportSchema>;
export type PersonaView = z.infer<typeof personaViewSchema>;
export type ModelsView = z.infer<typeof modelsViewSchema>;
export type WhatsAppTemplate = z.infer<typeof whatsAppTemplateSchema>;
export type WhatsAppTemplateList = z.infer<typeof whatsAppTemplateListSchema>;
export type ConversationList = z.infer<typeof conversationListSchema>;
export type ConversationListItem = z.infer<typeof conversationListItemSchema>;
export type HandoffQueue = z.infer<typeof handoffQueueSchema>;
export type HandoffView = z.infer<typeof handoffViewSchema>;
export type ApprovalList = z.infer<typeof approvalListSchema>;
export type ApprovalView = z.infer<typeof approvalViewSchema>;
export type BookingList = z.infer<typeof bookingListSchema>;
export type BookingView = z.infer<typeof bookingViewSchema>;
export type OrderList = z.infer<typeof orderListSchema>;
export type OrderView = z.infer<typeof orderViewSchema>;
export type LeadList = z.infer<typeof leadListSchema>;
export type LeadView = z.infer<typeof leadViewSchema>;
export type ToolList = z.infer<typeof toolListSchema>;
export type ToolView = z.infer<typeof toolViewSchema>;

/**
 * `GET /api/events`, the agents' live stream of their tenant: each conversation event under its type's name, its
 * data the event itself.
 */
export type AgentEvents = { [Event in ConversationEvent as Event['type']]: Event & { eventId?: number } } & {
  /** The stream is live: nothing after this is missed. */
  ready: Record<string, never>;
  /** A resumed stream missed more than it can send again: reload what is shown. */
  reset: Record<string, never>;
  /** Nothing happened for a while (proxies close idle connections). */
  ping: Record<string, never>;
};

export interface ConversationView {
  id: string;
  tenantId: string;
  contactKey: string;
  lastChannel: string;
  channels: string[];
  summary: string | null;
  messageCount: number;
  lastMessageAt: string;
  createdAt: string;
}

/** A web visitor of the conversation as they described themselves; `linkedPhone` is the one number they proved. */
export interface WebVisitorView {
  name: string | null;
  email: string | null;
  phone: string | null;
  linkedPhone: string | null;
  since: string;
}

/** `GET /api/conversations/:id/messages`: the conversation's messages, oldest first. */
export interface ConversationMessages {
  messages: MessageView[];
}

/** A replay of recorded conversations against a changed assistant (`GET /api/replays`). */
export interface ReplaySummaryView {
  id: string;
  status: string;
  from: string;
  to: string;
  judgeModel: string | null;
  conversations: number;
  done: number;
  createdAt: string;
  finishedAt: string | null;
}

export interface ReplayList {
  replays: ReplaySummaryView[];
}

/** Questions of one meaning the knowledge base did not answer. */
export type KnowledgeGapView = KnowledgeGap;

export interface KnowledgeGapList {
  since: string;
  gaps: KnowledgeGapView[];
}

/** A message of the conversation, on any channel: `internal` ones are notes, never sent. */
export interface MessageView {
  id: string;
  direction: 'inbound' | 'outbound' | 'internal';
  author: 'customer' | 'ai' | 'agent' | 'system';
  channel: string;
  from: string;
  to: string;
  body: string;
  media: unknown;
  providerMessageId: string | null;
  status: string;
  errorCode: string | null;
  errorMessage: string | null;
  /** A spoken reply the caller interrupted: `body` is what they heard, this the whole reply. */
  fullBody: string | null;
  options: ReplyOptions | null;
  /** The model that wrote an AI reply. */
  model: string | null;
  /** The knowledge-base documents an AI reply cited; `[]`: a question of fact answered without any. */
  sources: ReplySource[] | null;
  createdAt: string;
}

export interface CallTurnView {
  turnId: string;
  prompt: string;
  promptAt: string;
  firstTokenAt: string | null;
  lastTokenAt: string | null;
  interruptedAt: string | null;
}

export interface CallView {
  callSid: string;
  direction: string;
  from: string;
  to: string;
  status: string;
  sessionStatus: string | null;
  durationSeconds: number | null;
  /** Set when the call was put through to a person. */
  handoffData: unknown;
  errorCode: string | null;
  startedAt: string;
  connectedAt: string | null;
  endedAt: string | null;
  turns: CallTurnView[];
}

/** `GET /api/conversations/:id`: the conversation, its live state, its calls and its web visitors. */
export interface ConversationDetail {
  conversation: ConversationView;
  /** The workflow's snapshot while it runs. */
  live: unknown;
  calls: CallView[];
  visitors: WebVisitorView[];
  /** What the conversation's model calls used and cost. */
  usage: { calls: number; promptTokens: number; completionTokens: number; costUsd: number };
  /** What the assistant is told now, on the conversation's newest channel: its system prompt. */
  assistantPrompt: string;
}

