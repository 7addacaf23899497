import type { AgentEvents, ConversationEvent } from '../../protocol/agent-api';
import { handleEvent, sseEvents, type SseEvent } from '../shared/sse-events';
import { loadApprovals } from './approvals';
import { loadMessages, showTyping } from './conversation';
import { page } from './page';
import { loadQueue } from './queue';
import { state } from './state';

/** Whether the event is about the conversation on screen. */
function onScreen(event: ConversationEvent): boolean {
  return Boolean(state.selected && event.conversationId === state.selected.conversationId);
}

function onEvent(event: SseEvent): void {
  handleEvent<AgentEvents>(event, {
    typing: (typing) => {
      if (onScreen(typing) && typing.who === 'customer') showTyping('The customer is typing…');
    },
    approval: () => void loadApprovals(),
    handoff: (handoff) => {
      void loadQueue();
      if (onScreen(handoff)) void loadMessages();
    },
    message: (message) => {
      if (!onScreen(message)) return;
      showTyping('');
      void loadMessages();
    },
  });
}

/** Reads the agent event stream with fetch (EventSource cannot send the bearer token) and reconnects. */
export async function listen(): Promise<void> {
  const controller = new AbortController();
  state.stream = controller;
  let delay = 1000;
  while (!controller.signal.aborted) {
    try {
      const response = await fetch('/api/events', {
        headers: { authorization: `Bearer ${state.token}` },
        signal: controller.signal,
      });
      if (!response.ok || !response.body) throw new Error(`event stream ${response.status}`);
      page.live.textContent = 'live';
      delay = 1000;
      for await (const event of sseEvents(response.body)) onEvent(event);
    } catch {
      if (controller.signal.aborted) return;
    }
    page.live.textContent = 'reconnecting…';
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 15000);
    // Anything missed while disconnected is picked up by a fresh load.
    await loadQueue().catch(() => {});
    await loadApprovals().catch(() => {});
  }
}
