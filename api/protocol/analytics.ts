// The wire between `GET /api/analytics` (api/routes/analytics.ts) and the console's analytics panel. Types only: the
// server and the browser code both import them.
import type { Channel } from '../../domain/channels';

/** A figure for each channel; a channel nothing happened on is 0, never missing. */
export type ChannelCounts = Record<Channel, number>;

/** One day in the tenant's time zone. */
export interface AnalyticsDay {
  /** YYYY-MM-DD */
  day: string;
  /** Conversations with a message on the channel that day (notes aside): one on two channels counts on both. */
  conversations: ChannelCounts;
  /** The customers' messages. */
  messagesIn: ChannelCounts;
  /** What the assistant and agents sent. */
  messagesOut: ChannelCounts;
  /** The service's own notices (a handoff's acknowledgement, "a person will answer soon"). */
  notices: number;
  /** What the model calls cost, in US dollars (to the millionth). */
  costUsd: number;
  /** Phone calls started. */
  calls: number;
}

/** How long something took, over `count` cases; null percentiles when there were none. */
export interface WaitFigures {
  count: number;
  p50Seconds: number | null;
  p90Seconds: number | null;
}

/** A reason customers went unanswered by the assistant, with the conversations it happened in (newest first, at most 100). */
export interface UnansweredEntry {
  /** `handoff_reason`: why the assistant handed over; `knowledge_gap`: a question answered without any passage. */
  kind: 'handoff_reason' | 'knowledge_gap';
  label: string;
  count: number;
  conversationIds: string[];
}

/** `GET /api/analytics?from=&to=`: the tenant's days `from` to `to` (both included, its time zone). */
export interface AnalyticsReport {
  from: string;
  to: string;
  timeZone: string;
  /** Every day of the range, oldest first, days without activity included. */
  days: AnalyticsDay[];
  totals: {
    /** Conversations with any message in the range (notes aside), each counted once whatever its channels. */
    conversations: number;
    messagesIn: number;
    messagesOut: number;
    notices: number;
  };
  /** Who wrote the replies; `assistantShare` is the assistant's part (0 to 1), null when nobody replied. */
  answered: { byAssistant: number; byPeople: number; assistantShare: number | null };
  /** From a customer's message that starts a wait to the next reply by the assistant or an agent (unanswered ones left out). */
  firstResponse: WaitFigures;
  /** From a handoff to an agent claiming it (handoffs nobody claimed left out). */
  handoffWait: WaitFigures;
  /** Calls started in the range; `averageSeconds` over those whose length is known, null when none is. */
  calls: { count: number; averageSeconds: number | null };
  costUsd: number;
  /** The biggest first, at most 20. */
  unanswered: UnansweredEntry[];
}
