import type { Kysely } from 'kysely';
import { HttpError } from './errors';
import { tenantForNumber } from '../db/repositories/tenants';
import type { Database } from '../db/schema';

const ttlMs = 60_000;

/**
 * Which tenant owns a number, remembered for a minute: the mapping rarely changes, and a webhook for a known number
 * then reaches its conversation (where recording retries) even while Postgres is briefly unreachable.
 */
export function createTenantLookup(db: Kysely<Database>) {
  const cache = new Map<string, { tenantId: string | null; until: number }>();
  return async function tenantFor(number: string): Promise<string | null> {
    const hit = cache.get(number);
    if (hit && hit.until > Date.now()) return hit.tenantId;
    let tenantId: string | null;
    try {
      tenantId = await tenantForNumber(db, number);
    } catch {
      // Twilio retries the webhook, so asking it to come back later loses nothing.
      throw new HttpError(503, 'database_unavailable', 'the tenant directory is unreachable; retry later');
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(number, { tenantId, until: Date.now() + ttlMs });
    return tenantId;
  };
}
