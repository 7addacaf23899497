import type { AgentView, ConversationListItem, HandoffView } from '../../protocol/agent-api';
import type { ConversationTimeline } from '../../protocol/timeline';

/**
 * What the console knows: the signed-in agent, the inbox page by page, the conversation open on screen (its
 * timeline, and its handoff while one is active), the handoff queue and the live stream.
 */
export const state: {
  token: string | null;
  me: AgentView | null;
  /** The inbox rows loaded so far, newest activity first, and where the next page starts (null: no more). */
  conversations: ConversationListItem[];
  nextCursor: string | null;
  /** The conversation on screen. */
  conversationId: string | null;
  timeline: ConversationTimeline | null;
  handoffs: HandoffView[];
  /** The active handoff of the conversation on screen, if it has one. */
  selected: HandoffView | null;
  stream: AbortController | null;
} = {
  token: localStorage.getItem('agentToken'),
  me: null,
  conversations: [],
  nextCursor: null,
  conversationId: null,
  timeline: null,
  handoffs: [],
  selected: null,
  stream: null,
};
