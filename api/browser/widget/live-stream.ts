import { sseEvents, type SseEvent } from '../shared/sse-events';
import type { ChatSession } from './chat-session';

/**
 * The visitor's live stream: what arrives while no reply is being read (a person's reply, a person joining or
 * writing, a reply finished after its request went away). Reconnects after a network drop or a restart of the
 * service, resuming from the last event this browser had.
 */
export class LiveStream {
  private controller: AbortController | null = null;

  constructor(
    private readonly session: ChatSession,
    /** Where this browser keeps the last event's id, sent back as Last-Event-ID. */
    private readonly lastEventKey: string,
    private readonly onEvent: (event: SseEvent) => void,
  ) {}

  async follow(): Promise<never> {
    for (let wait = 1000; ; wait = Math.min(wait * 2, 30_000)) {
      const controller = new AbortController();
      this.controller = controller;
      try {
        const last = localStorage.getItem(this.lastEventKey);
        const response = await this.session.call('/api/chat/sessions/:session/events', {
          headers: last ? { 'last-event-id': last } : {},
          signal: controller.signal,
        });
        if (response.ok && response.body) {
          wait = 1000;
          for await (const event of sseEvents(response.body)) {
            if (event.id) localStorage.setItem(this.lastEventKey, event.id);
            this.onEvent(event);
          }
        }
      } catch {
        // The network or the service went away (or the stream was restarted): try again shortly.
      }
      if (controller.signal.aborted) wait = 250;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** Linking a phone number changes the conversation: the stream starts over on it. */
  restart(): void {
    this.controller?.abort();
  }
}
