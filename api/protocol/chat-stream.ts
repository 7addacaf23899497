// The wire between the chat endpoint (`api/routes/chat.ts`) and whatever reads it: the widget, or a React app's
// `useChat`. Types only: the server and the browser code both import them, and neither can drift from the other.
import type { ReplyAction } from '../../domain/reply-options';

/**
 * The AI SDK's UI message stream protocol (what `useChat` reads), one part per SSE `data:` line, the stream ended by
 * a `data: [DONE]` line. These are the parts this service writes.
 */
export type StreamPart =
  | { type: 'start'; messageId: string }
  | { type: 'start-step' | 'finish-step' | 'finish' }
  | { type: 'text-start' | 'text-end'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | DataPart
  | { type: 'error'; errorText: string };

/** The service's own `data-*` parts: the AI SDK hands them to the app as they come. */
export type DataPart =
  /**
   * The recorded reply's id, so a client also following the session's live stream shows the reply once. Transient:
   * `useChat` does not keep it in the message.
   */
  | { type: 'data-message'; data: { id: string }; transient: true }
  /** People take the conversation over: the reply was the service's word that a person will answer. */
  | { type: 'data-handoff'; data: { state: 'open' } }
  /** Buttons that answer with their text when tapped. */
  | { type: 'data-quick-replies'; data: { replies: string[] } }
  /** Links under the reply: a listing, a booking page. */
  | { type: 'data-actions'; data: { actions: ReplyAction[] } };
