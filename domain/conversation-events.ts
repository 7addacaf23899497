/**
 * What screens and streams need to know changed. Carried by Postgres NOTIFY (`db/events.ts`), so every API process
 * sees every change whichever worker made it, and written as they are to the agents' live stream (`GET /api/events`,
 * the event's `type` as the SSE event name). Payloads hold ids only (NOTIFY is limited to 8000 bytes); readers fetch
 * the rest.
 */
export type ConversationEvent =
  | { type: 'message'; tenantId: string; conversationId: string; messageId: string }
  | { type: 'handoff'; tenantId: string; conversationId: string; taskId: string; status: string }
  /** A tool call waits for a person's approval, or was decided. */
  | { type: 'approval'; tenantId: string; conversationId: string; approvalId: string; status: string }
  /** Someone is writing: an agent (shown to a web visitor) or a web visitor (shown to agents). Nothing is stored. */
  | { type: 'typing'; tenantId: string; conversationId: string; who: 'agent' | 'customer' };
