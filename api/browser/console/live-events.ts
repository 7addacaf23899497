import type { AgentEvents, ConversationEvent } from '../../protocol/agent-api';
import { handleEvent, sseEvents, type SseEvent } from '../shared/sse-events';
import { loadApprovals } from './approvals';
import { loadMessages, showTyping } from './conversation';
import { refreshInbox } from './inbox-list';
import { page } from './page';
import { loadQueue } from './queue';
import { state } from './state';

/** Whether the event is about the conversation on screen. */
function onScreen(event: ConversationEvent): boolean {
  return Boolean(state.conversationId && event.conversationId === state.conversationId);
}

/** Runs `work` once, a moment after the last of a burst of calls (a reply and its delivery receipts, say). */
function coalesced(work: () => Promise<void>, waitMs = 150): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(() => void work().catch(() => {}), waitMs);
  };
}

const inboxChanged = coalesced(refreshInbox);
const timelineChanged = coalesced(loadMessages);
const queueChanged = coalesced(loadQueue);

/** The last numbered event read, and the numbers seen lately: a resumed stream may send a few again. */
let lastEventId = '';
const seen = new Set<number>();

function firstTime(eventId: number | undefined): boolean {
  if (eventId === undefined) return true;
  if (seen.has(eventId)) return false;
  seen.add(eventId);
  if (seen.size > 2000) for (const old of [...seen].slice(0, 1000)) seen.delete(old);
  return true;
}

function onEvent(event: SseEvent): void {
  if (event.id) lastEventId = event.id;
  handleEvent<AgentEvents>(event, {
    reset: () => {
      inboxChanged();
      queueChanged();
      timelineChanged();
      void loadApprovals();
    },
    typing: (typing) => {
      if (onScreen(typing) && typing.who === 'customer') showTyping('The customer is typing…');
    },
    approval: (approval) => {
      if (!firstTime(approval.eventId)) return;
      void loadApprovals();
      inboxChanged();
      if (onScreen(approval)) timelineChanged();
    },
    handoff: (handoff) => {
      if (!firstTime(handoff.eventId)) return;
      queueChanged();
      inboxChanged();
      if (onScreen(handoff)) timelineChanged();
    },
    message: (message) => {
      if (!firstTime(message.eventId)) return;
      inboxChanged();
      if (!onScreen(message)) return;
      showTyping('');
      timelineChanged();
    },
  });
}

/**
 * Reads the agent event stream with fetch (EventSource cannot send the bearer token) and reconnects; a reconnect
 * names the last event read (Last-Event-ID), and the server sends what was missed.
 */
export async function listen(): Promise<void> {
  const controller = new AbortController();
  state.stream = controller;
  let delay = 1000;
  while (!controller.signal.aborted) {
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${state.token}` };
      if (lastEventId) headers['last-event-id'] = lastEventId;
      const response = await fetch('/api/events', { headers, signal: controller.signal });
      if (!response.ok || !response.body) throw new Error(`event stream ${response.status}`);
      for await (const event of sseEvents(response.body)) {
        if (event.event === 'ready') {
          page.live.textContent = 'live';
          delay = 1000;
        }
        onEvent(event);
      }
    } catch {
      if (controller.signal.aborted) return;
    }
    page.live.textContent = 'reconnecting…';
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 15000);
  }
}
