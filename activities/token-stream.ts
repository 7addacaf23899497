import type { Kysely } from 'kysely';
import { publishToConversation } from '../db/events';
import type { Database } from '../db/schema';

/** A NOTIFY payload stays far below Postgres's 8000-byte limit. */
const maxChunkChars = 2000;

/**
 * A reply's tokens on their way to whoever serves the conversation live (a call's socket, a visitor's stream), in
 * order, as they arrive: one publish at a time, and whatever arrived meanwhile goes in the next one. Losing one only
 * costs the live play-back; the turn's durable result is the full text, which the listener falls back to.
 */
export class TokenStream {
  private seq = 0;
  private waiting = '';
  private publishing: Promise<void> = Promise.resolve();
  /** Everything pushed so far. */
  text = '';

  constructor(
    private readonly db: Kysely<Database>,
    private readonly conversationId: string,
    private readonly turnId: string,
    private readonly attempt: number,
  ) {}

  push(token: string): void {
    if (!token) return;
    this.text += token;
    this.waiting += token;
    this.publishing = this.publishing.then(() => this.flush());
  }

  /**
   * Publishes what is left and the end of the turn; returns when the listener was told the reply is complete (just
   * before the end went out), which is where the reply belongs in the conversation.
   */
  async end(): Promise<Date> {
    let endedAt = new Date();
    this.publishing = this.publishing
      .then(() => this.flush())
      .then(() => (endedAt = new Date()))
      .then(() => publishToConversation(this.db, { type: 'turn_end', conversationId: this.conversationId, turnId: this.turnId, attempt: this.attempt, seq: this.seq++ }))
      .catch(() => undefined);
    await this.publishing;
    return endedAt;
  }

  private async flush(): Promise<void> {
    while (this.waiting) {
      const text = this.waiting.slice(0, maxChunkChars);
      this.waiting = this.waiting.slice(text.length);
      await publishToConversation(this.db, { type: 'token', conversationId: this.conversationId, turnId: this.turnId, attempt: this.attempt, seq: this.seq++, text }).catch(
        () => undefined,
      );
    }
  }
}
