/**
 * How far along its life a message is. Twilio's callbacks can arrive in any order; a status only ever moves to a
 * higher rank, and among final states (delivered, undelivered, failed) the first one recorded stands.
 */
const rank: Record<string, number> = {
  pending: 0,
  accepted: 1,
  scheduled: 1,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  canceled: 4,
  read: 5,
};

export const knownStatuses = Object.keys(rank);

export function statusRank(status: string): number {
  return rank[status] ?? -1;
}

/** The status a message should show after seeing `candidates`, starting from `current`. */
export function furthestStatus<T extends { status: string }>(current: T, candidates: readonly T[]): T {
  let best = current;
  for (const candidate of candidates) {
    if (statusRank(candidate.status) > statusRank(best.status)) best = candidate;
  }
  return best;
}
