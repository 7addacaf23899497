import { sql, type Kysely, type Transaction } from 'kysely';
import { hashToken } from './agents';
import type { Database } from '../schema';

const codeHash = (sessionId: string, code: string) => hashToken(`${sessionId}:${code}`);

/** How often one number may be texted a code, and how many wrong codes its conversation takes, per window. */
export interface NumberLimits {
  codes: number;
  wrongCodes: number;
  windowMs: number;
}

/** One number's tries at a time, whichever sessions they come from. */
async function lockNumber(trx: Transaction<Database>, tenantId: string, phone: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`phone-code:${tenantId}:${phone}`}, 0))`.execute(trx);
}

/** When the oldest of the window's `kind` tries leaves it, if the number has used them all; null while it may. */
async function blockedUntil(trx: Transaction<Database>, tenantId: string, phone: string, kind: 'sent' | 'wrong', allowed: number, windowMs: number) {
  const tries = await trx
    .selectFrom('phone_code_tries')
    .select('at')
    .where('tenant_id', '=', tenantId)
    .where('phone', '=', phone)
    .where('kind', '=', kind)
    .where('at', '>', new Date(Date.now() - windowMs))
    .orderBy('at', 'desc')
    .limit(allowed)
    .execute();
  const oldest = tries.at(-1);
  return tries.length >= allowed && oldest ? new Date(oldest.at.getTime() + windowMs) : null;
}

/**
 * Keeps a new one-time code for the session (replacing an earlier one): only its hash, for `ttlMs`. Refused (the
 * time the number may be texted again) when the number had its codes for the window, whoever asked for them.
 */
export async function saveCode(
  db: Kysely<Database>,
  session: { id: string; tenant_id: string },
  phone: string,
  code: string,
  ttlMs: number,
  limits: NumberLimits,
): Promise<{ saved: true } | { saved: false; retryAt: Date }> {
  return db.transaction().execute(async (trx) => {
    await lockNumber(trx, session.tenant_id, phone);
    const retryAt = await blockedUntil(trx, session.tenant_id, phone, 'sent', limits.codes, limits.windowMs);
    if (retryAt) return { saved: false, retryAt };
    const values = { session_id: session.id, phone, code_hash: codeHash(session.id, code), attempts: 0, expires_at: new Date(Date.now() + ttlMs) };
    await trx
      .insertInto('phone_codes')
      .values(values)
      .onConflict((oc) => oc.column('session_id').doUpdateSet({ ...values, created_at: sql`now()` }))
      .execute();
    await trx.insertInto('phone_code_tries').values({ tenant_id: session.tenant_id, phone, kind: 'sent' }).execute();
    return { saved: true };
  });
}

export type CodeCheck =
  | { outcome: 'linked'; phone: string }
  | { outcome: 'none' | 'expired' | 'exhausted' }
  | { outcome: 'wrong'; attemptsLeft: number }
  | { outcome: 'number_locked'; retryAt: Date };

/**
 * Checks a code the visitor typed; a right one links the visitor to the number (and is used up). Every wrong try
 * counts twice: against the code (`maxAttempts`, then a new code is needed) and against the number (`limits`
 * wrong codes per window across every session, after which no code for it is taken until the window moves on).
 */
export async function checkCode(
  db: Kysely<Database>,
  session: { id: string; tenant_id: string; visitor_id: string },
  code: string,
  maxAttempts: number,
  limits: NumberLimits,
): Promise<CodeCheck> {
  return db.transaction().execute(async (trx) => {
    const waiting = await trx.selectFrom('phone_codes').select('phone').where('session_id', '=', session.id).executeTakeFirst();
    if (!waiting) return { outcome: 'none' };
    await lockNumber(trx, session.tenant_id, waiting.phone);
    const row = await trx.selectFrom('phone_codes').selectAll().where('session_id', '=', session.id).forUpdate().executeTakeFirst();
    if (!row) return { outcome: 'none' };
    if (row.expires_at.getTime() < Date.now()) return { outcome: 'expired' };
    if (row.attempts >= maxAttempts) return { outcome: 'exhausted' };
    const retryAt = await blockedUntil(trx, session.tenant_id, row.phone, 'wrong', limits.wrongCodes, limits.windowMs);
    if (retryAt) return { outcome: 'number_locked', retryAt };
    if (row.code_hash !== codeHash(session.id, code)) {
      await trx.updateTable('phone_codes').set({ attempts: row.attempts + 1 }).where('session_id', '=', session.id).execute();
      await trx.insertInto('phone_code_tries').values({ tenant_id: session.tenant_id, phone: row.phone, kind: 'wrong' }).execute();
      return { outcome: 'wrong', attemptsLeft: maxAttempts - row.attempts - 1 };
    }
    await trx.deleteFrom('phone_codes').where('session_id', '=', session.id).execute();
    await trx.updateTable('web_visitors').set({ linked_phone: row.phone }).where('id', '=', session.visitor_id).execute();
    return { outcome: 'linked', phone: row.phone };
  });
}
