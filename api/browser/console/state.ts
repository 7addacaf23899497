import type { AgentView, HandoffView } from '../../protocol/agent-api';

/** What the console knows: the signed-in agent, the queue, the handoff open on screen and the live stream. */
export const state: {
  token: string | null;
  me: AgentView | null;
  handoffs: HandoffView[];
  selected: HandoffView | null;
  stream: AbortController | null;
} = { token: localStorage.getItem('agentToken'), me: null, handoffs: [], selected: null, stream: null };
