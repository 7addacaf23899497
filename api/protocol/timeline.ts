// The wire of a conversation's timeline and contact panel (`GET /api/conversations/:id/timeline`, `.../contact`).
// Types only, shared by the server and the agent console.
import type { ApprovalView, CallView, ConversationListItem, MessageView, WebVisitorView } from './agent-api';

/** `GET /api/conversations/:id/contact`, `PATCH` it with `ContactChange`: what is known of the person. */
export interface ContactPanel {
  contactKey: string;
  name: string | null;
  email: string | null;
  /** Their number, and any a web visitor gave (marked proved or not). */
  phones: { number: string; proved: boolean }[];
  channels: string[];
  firstSeen: string;
  /** Channels they opted out of (STOP, or a carrier's refusal), and when. */
  optOuts: { channel: string; reason: string; since: string }[];
  tags: string[];
  /** Read by the assistant too. */
  note: string | null;
}

export interface ContactChange {
  name?: string | null;
  email?: string | null;
  tags?: string[];
  note?: string | null;
}

/** A handoff or takeover, from opening to its end. */
export interface HandoffEntry {
  id: string;
  /** `takeover`: an agent joined unasked. */
  kind: 'handoff' | 'takeover';
  reason: string;
  status: 'open' | 'claimed' | 'escalated' | 'resolved' | 'expired';
  claimedBy: string | null;
  claimedByName: string | null;
  claimedAt: string | null;
  /** When it was resolved or expired. */
  endedAt: string | null;
  note: string | null;
}

/** A tool the assistant ran, and what came of it. */
export interface ToolEntry {
  tool: string;
  arguments: unknown;
  status: 'running' | 'done';
  result: unknown;
  /** More than one: a retry found it (it still acted once). */
  attempts: number;
  finishedAt: string | null;
}

/** One thing that happened, in time order; `at` is when it started. */
export type TimelineEntry =
  | { kind: 'message'; at: string; message: MessageView }
  /** A call as one block: its turns as spoken (with interruptions), then the summary written after it. */
  | { kind: 'call'; at: string; call: CallView; transcript: MessageView[]; summary: string | null }
  | { kind: 'handoff'; at: string; handoff: HandoffEntry }
  | { kind: 'approval'; at: string; approval: ApprovalView }
  | { kind: 'tool'; at: string; tool: ToolEntry }
  | { kind: 'visitor'; at: string; visitor: WebVisitorView };

/** `GET /api/conversations/:id/timeline`: everything about one person, in order. */
export interface ConversationTimeline {
  conversation: ConversationListItem;
  contact: ContactPanel;
  /** The short summary the assistant carries between runs. */
  summary: string | null;
  /** Who has the conversation now: null while the assistant answers. */
  heldBy: { agentId: string; name: string; taskId: string; kind: 'handoff' | 'takeover' } | null;
  entries: TimelineEntry[];
}

/** `GET /api/conversations/:id/stream`: a reply being written, for the agent watching (SSE event names and data). */
export interface ReplyStreamEvents {
  /** The next piece of the reply of `turnId`; a new `attempt` writes the reply again from the start. */
  token: { turnId: string; attempt: number; seq: number; text: string };
  /** The reply is written; the recorded message follows on the agents' event stream. */
  turn_end: { turnId: string; attempt: number };
  ready: Record<string, never>;
  ping: Record<string, never>;
}
