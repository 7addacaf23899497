// The wire between a web visitor's session routes (`api/routes/chat.ts`, `api/routes/chat-visitor.ts`) and the chat
// widget. Types only: the server and the browser code both import them, and neither can drift from the other.
import type { ReplyOptions } from '../../domain/reply-options';

/** What a visitor said of themselves, and the one number they proved with a code (`linkedPhone`). */
export interface VisitorDetails {
  name: string | null;
  email: string | null;
  phone: string | null;
  linkedPhone: string | null;
}

/** `POST /api/chat/sessions`: a session, and the visitor's secret the browser keeps for the next one. */
export interface OpenedSession {
  sessionId: string;
  token: string;
  visitorToken: string;
  idleTimeoutSeconds: number;
  visitor: VisitorDetails;
}

/** A message as the visitor sees it, with the buttons a reply carried. */
export interface VisitorMessage {
  id: string;
  author: 'customer' | 'ai' | 'agent' | 'system';
  text: string;
  options: ReplyOptions | null;
  createdAt: string;
}

/** `GET /api/chat/sessions/:id/messages`: the conversation so far, oldest first. */
export interface VisitorHistory {
  messages: VisitorMessage[];
}

/** `POST /api/chat/sessions/:id/phone/verify`: the right code; the chat is that number's conversation from now on. */
export interface PhoneLinked {
  linked: true;
  phone: string;
}

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
