// The wire of a conversation's timeline and contact panel (`GET /api/conversations/:id/timeline`, `.../contact`): the
// schemas the routes answer with (published in /openapi.json), and their types, shared with the agent console.
import { z } from '@hono/zod-openapi';
import { approvalViewSchema, callViewSchema, conversationListItemSchema, messageViewSchema, webVisitorViewSchema } from './agent-schemas';

/** `GET /api/conversations/:id/contact`, `PATCH` it: what is known of the person. */
export const contactPanelSchema = z
  .object({
    contactKey: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phones: z.array(z.object({ number: z.string(), proved: z.boolean() })).openapi({ description: 'Their number, and any a web visitor gave (marked proved or not).' }),
    channels: z.array(z.string()),
    firstSeen: z.string(),
    optOuts: z.array(z.object({ channel: z.string(), reason: z.string(), since: z.string() })).openapi({ description: "Channels they opted out of (STOP, or a carrier's refusal), and when." }),
    tags: z.array(z.string()),
    note: z.string().nullable().openapi({ description: 'Read by the assistant too.' }),
  })
  .openapi('Contact');
export type ContactPanel = z.infer<typeof contactPanelSchema>;

/** A handoff or takeover, from opening to its end. */
const handoffEntrySchema = z.object({
  id: z.string(),
  kind: z.enum(['handoff', 'takeover']).openapi({ description: '`takeover`: an agent joined unasked.' }),
  reason: z.string(),
  status: z.enum(['open', 'claimed', 'escalated', 'resolved', 'expired']),
  claimedBy: z.string().nullable(),
  claimedByName: z.string().nullable(),
  claimedAt: z.string().nullable(),
  endedAt: z.string().nullable().openapi({ description: 'When it was resolved or expired.' }),
  note: z.string().nullable(),
});
export type HandoffEntry = z.infer<typeof handoffEntrySchema>;

/** A tool the assistant ran, and what came of it. */
const toolEntrySchema = z.object({
  tool: z.string(),
  arguments: z.unknown(),
  status: z.enum(['running', 'done']),
  result: z.unknown(),
  attempts: z.number().int().openapi({ description: 'More than one: a retry found it (it still acted once).' }),
  finishedAt: z.string().nullable(),
});
export type ToolEntry = z.infer<typeof toolEntrySchema>;

/** One thing that happened, in time order; `at` is when it started. A call is one block: its turns, then its summary. */
const timelineEntrySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('message'), at: z.string(), message: messageViewSchema }),
  z.object({ kind: z.literal('call'), at: z.string(), call: callViewSchema, transcript: z.array(messageViewSchema), summary: z.string().nullable() }),
  z.object({ kind: z.literal('handoff'), at: z.string(), handoff: handoffEntrySchema }),
  z.object({ kind: z.literal('approval'), at: z.string(), approval: approvalViewSchema }),
  z.object({ kind: z.literal('tool'), at: z.string(), tool: toolEntrySchema }),
  z.object({ kind: z.literal('visitor'), at: z.string(), visitor: webVisitorViewSchema }),
]);
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

/** `GET /api/conversations/:id/timeline`: everything about one person, in order. */
export const conversationTimelineSchema = z
  .object({
    conversation: conversationListItemSchema,
    contact: contactPanelSchema,
    summary: z.string().nullable().openapi({ description: 'The short summary the assistant carries between runs.' }),
    heldBy: z
      .object({ agentId: z.string(), name: z.string(), taskId: z.string(), kind: z.enum(['handoff', 'takeover']) })
      .nullable()
      .openapi({ description: 'Who has the conversation now: null while the assistant answers.' }),
    entries: z.array(timelineEntrySchema),
  })
  .openapi('Timeline');
export type ConversationTimeline = z.infer<typeof conversationTimelineSchema>;

/** `GET /api/conversations/:id/stream`: a reply being written, for the agent watching (SSE event names and data). */
export interface ReplyStreamEvents {
  /** The next piece of the reply of `turnId`; a new `attempt` writes the reply again from the start. */
  token: { turnId: string; attempt: number; seq: number; text: string };
  /** The reply is written; the recorded message follows on the agents' event stream. */
  turn_end: { turnId: string; attempt: number };
  ready: Record<string, never>;
  ping: Record<string, never>;
}
