// The wire between the agent API (`api/routes/agents.ts`, `handoffs.ts`, `conversations.ts`) and the agent console.
// Types only: the server and the browser code both import them, and neither can drift from the other.
import type { ConversationEvent } from '../../domain/conversation-events';
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
  conversationViewSchema,
  messageViewSchema,
  callTurnViewSchema,
  callViewSchema,
  webVisitorViewSchema,
  conversationDetailSchema,
  conversationMessagesSchema,
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
export type ConversationView = z.infer<typeof conversationViewSchema>;
export type MessageView = z.infer<typeof messageViewSchema>;
export type CallTurnView = z.infer<typeof callTurnViewSchema>;
export type CallView = z.infer<typeof callViewSchema>;
export type WebVisitorView = z.infer<typeof webVisitorViewSchema>;
export type ConversationDetail = z.infer<typeof conversationDetailSchema>;
export type ConversationMessages = z.infer<typeof conversationMessagesSchema>;

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

