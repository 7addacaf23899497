import { HttpError } from './errors';

/**
 * At most `limit` streams open at once per key (a chat session's live streams: a few tabs, not hundreds), in this
 * process. `take` answers how to give the slot back, or throws 429.
 */
export class StreamSlots {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly what: string,
    private readonly limit: number,
  ) {}

  take(key: string): () => void {
    const count = this.open.get(key) ?? 0;
    if (count >= this.limit) {
      throw new HttpError(429, 'too_many_streams', `${this.what} has ${this.limit} streams open already; close one first`, { 'retry-after': '5' });
    }
    this.open.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    };
  }
}
