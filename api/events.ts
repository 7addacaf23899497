import type { ConversationEvent } from '../db/events';

/** Fans the process's one LISTEN connection out to every open SSE stream. */
export class EventHub {
  private readonly subscribers = new Set<(event: ConversationEvent) => void>();

  publish(event: ConversationEvent): void {
    for (const subscriber of this.subscribers) subscriber(event);
  }

  subscribe(subscriber: (event: ConversationEvent) => void): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }
}
