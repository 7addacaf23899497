// The wire between a web visitor's session routes (`api/routes/chat.ts`, `api/routes/chat-visitor.ts`) and the chat
// widget. Types only: the server and the browser code both import them, and neither can drift from the other.
import type { z } from '@hono/zod-openapi';
import type { codeSentSchema, openedSessionSchema, phoneLinkedSchema, visitorDetailsSchema, visitorHistorySchema, visitorMessageSchema } from './visitor-schemas';

export type VisitorDetails = z.infer<typeof visitorDetailsSchema>;
export type OpenedSession = z.infer<typeof openedSessionSchema>;
export type VisitorMessage = z.infer<typeof visitorMessageSchema>;
export type VisitorHistory = z.infer<typeof visitorHistorySchema>;
export type CodeSent = z.infer<typeof codeSentSchema>;
export type PhoneLinked = z.infer<typeof phoneLinkedSchema>;

/**
 * `GET /api/chat/sessions/:id/events`, the visitor's live stream: each SSE event's name and its data (JSON). Only
 * `message` events carry an id, `<createdAt>|<message id>`, which a reconnecting client sends back as
 * `Last-Event-ID`.
 */
export interface VisitorEvents {
  message: VisitorMessage;
  typing: { who: 'agent' };
  handoff_opened: { status: string };
  agent_joined: { status: string };
  handoff_closed: { status: string };
  /** The stream is live: nothing after this is missed. */
  ready: Record<string, never>;
  /** Nothing happened for a while (proxies close idle connections). */
  ping: Record<string, never>;
}
