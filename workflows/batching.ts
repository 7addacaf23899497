/**
 * When a batch of customer messages is answered: once `quietMs` passes with no new message, but never later than
 * `maxWaitMs` after the batch's first message. Times are epoch milliseconds (workflow time in the workflow).
 */
export function batchDeadline(arrivals: readonly number[], quietMs: number, maxWaitMs: number): number {
  if (arrivals.length === 0) throw new Error('an empty batch has no deadline');
  const first = Math.min(...arrivals);
  const last = Math.max(...arrivals);
  return Math.min(last + quietMs, first + maxWaitMs);
}

/** Keeps the newest `bound` ids: a retried webhook arrives within minutes, not thousands of messages later. */
export function rememberId(recent: readonly string[], id: string, bound: number): string[] {
  const next = [...recent, id];
  return next.length > bound ? next.slice(next.length - bound) : next;
}
