import { tooManyRequests } from './errors';

/**
 * At most `limit` uses per key within a sliding `windowMs`, in this process (behind several API replicas, each
 * keeps its own count). A refusal says when the next use will be allowed.
 */
export class RateLimiter {
  private readonly uses = new Map<string, number[]>();

  constructor(
    private readonly what: string,
    private readonly limit: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts one use of `key`, or throws 429 (with the seconds to wait) when the key has had its share. */
  take(key: string): void {
    const now = Date.now();
    const recent = (this.uses.get(key) ?? []).filter((at) => at > now - this.windowMs);
    if (recent.length >= this.limit) {
      throw tooManyRequests('rate_limited', (recent[0] ?? now) + this.windowMs, (seconds) => `too many ${this.what}; try again in ${seconds} s`);
    }
    recent.push(now);
    this.uses.set(key, recent);
    if (this.uses.size > 50_000) this.forgetIdle(now);
  }

  private forgetIdle(now: number): void {
    for (const [key, times] of this.uses) if ((times.at(-1) ?? 0) <= now - this.windowMs) this.uses.delete(key);
  }
}
