import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema';

/**
 * The six digits of code `codeId`, derived with the service's key: the delivery that texts it and the check that
 * reads it back both derive it, so it is kept nowhere (not in the outbox, not in a workflow's history).
 */
export async function codeFor(db: Kysely<Database>, codeId: string): Promise<string> {
  const { key } = await db.selectFrom('service_keys').select('key').where('name', '=', 'phone-codes').executeTakeFirstOrThrow();
  const digest = createHmac('sha256', key).update(codeId).digest();
  return String(digest.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

/**
 * Bounds on texting codes, each per `windowMs`: how many codes one number gets (whichever tenant's chat asks) and
 * how many wrong codes its conversation takes; how many numbers one chat session, one visitor and one address can
 * have texted (a visitor who mistyped their number may try another, not a list of them).
 */
export interface CodeLimits {
  codesPerNumber: number;
  wrongCodesPerNumber: number;
  numbersPerSession: number;
  numbersPerVisitor: number;
  numbersPerAddress: number;
  windowMs: number;
}

/** Who asks for a code, and from where. */
export interface CodeRequest {
  session: { id: string; tenant_id: string; visitor_id: string };
  address: string;
  phone: string;
  ttlMs: number;
  /** The tenant's hourly budget of codes, all its visitors together. */
  tenantBudget: number;
}

/** Which bound refused a code. */
export type CodeRefusal = 'number' | 'session' | 'visitor' | 'address' | 'tenant';

/** One number's tries at a time, whichever tenant's sessions they come from. */
async function lockNumber(trx: Transaction<Database>, phone: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`phone-code:${phone}`}, 0))`.execute(trx);
}

/** One tenant's code requests at a time (taken before a number's lock, never after). */
async function lockTenant(trx: Transaction<Database>, tenantId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`phone-codes-of:${tenantId}`}, 0))`.execute(trx);
}

/**
 * When the oldest of `allowed` tries in the window leaves it, if there are that many; null while more may come. None
 * allowed (a tenant that texts no codes) is a window from now.
 */
function retryAt(times: Date[], allowed: number, windowMs: number): Date | null {
  if (allowed <= 0) return new Date(Date.now() + windowMs);
  const sorted = times.map((t) => t.getTime()).sort((a, b) => b - a);
  const oldest = sorted[allowed - 1];
  return sorted.length >= allowed && oldest !== undefined ? new Date(oldest + windowMs) : null;
}

/** The numbers an asker had texted, each at its latest code; null when `phone` is one of them (no new number). */
function numbersTexted(tries: { phone: string; at: Date }[], phone: string): Date[] | null {
  const latest = new Map<string, number>();
  for (const t of tries) latest.set(t.phone, Math.max(latest.get(t.phone) ?? 0, t.at.getTime()));
  return latest.has(phone) ? null : [...latest.values()].map((ms) => new Date(ms));
}

/**
 * Opens a new one-time code for the session (replacing an earlier one) to be texted to `phone`: its id, from which
 * the delivery derives the code. Refused, with the time it may be asked again, when a bound of `limits` or the
 * tenant's budget is used up. Counted as sent here: a code that then fails to go out still took its place.
 */
export async function issueCode(
  db: Kysely<Database>,
  request: CodeRequest,
  limits: CodeLimits,
): Promise<{ issued: true; codeId: string } | { issued: false; refusal: CodeRefusal; retryAt: Date }> {
  const { session, phone } = request;
  return db.transaction().execute(async (trx) => {
    await lockTenant(trx, session.tenant_id);
    await lockNumber(trx, phone);
    const since = new Date(Date.now() - limits.windowMs);
    const sent = trx.selectFrom('phone_code_tries').where('kind', '=', 'sent').where('at', '>', since);
    const toNumber = await sent.select('at').where('phone', '=', phone).execute();
    const byTenant = await sent.select(['at', 'phone', 'session_id', 'visitor_id', 'address']).where('tenant_id', '=', session.tenant_id).execute();

    const numberBlocked = retryAt(toNumber.map((t) => t.at), limits.codesPerNumber, limits.windowMs);
    if (numberBlocked) return { issued: false, refusal: 'number', retryAt: numberBlocked };
    // A new number for this session, visitor or address counts against how many numbers each may have texted.
    const bounds: [CodeRefusal, (t: (typeof byTenant)[number]) => boolean, number][] = [
      ['session', (t) => t.session_id === session.id, limits.numbersPerSession],
      ['visitor', (t) => t.visitor_id === session.visitor_id, limits.numbersPerVisitor],
      ['address', (t) => t.address === request.address, limits.numbersPerAddress],
    ];
    for (const [refusal, asker, allowed] of bounds) {
      const numbers = numbersTexted(byTenant.filter(asker), phone);
      const blocked = numbers && retryAt(numbers, allowed, limits.windowMs);
      if (blocked) return { issued: false, refusal, retryAt: blocked };
    }
    const tenantBlocked = retryAt(byTenant.map((t) => t.at), request.tenantBudget, limits.windowMs);
    if (tenantBlocked) return { issued: false, refusal: 'tenant', retryAt: tenantBlocked };

    const codeId = randomUUID();
    const values = { session_id: session.id, phone, code_id: codeId, attempts: 0, expires_at: new Date(Date.now() + request.ttlMs) };
    await trx
      .insertInto('phone_codes')
      .values(values)
      .onConflict((oc) => oc.column('session_id').doUpdateSet({ ...values, created_at: sql`now()` }))
      .execute();
    await trx
      .insertInto('phone_code_tries')
      .values({ tenant_id: session.tenant_id, phone, kind: 'sent', session_id: session.id, visitor_id: session.visitor_id, address: request.address })
      .execute();
    return { issued: true, codeId };
  });
}

export type CodeCheck =
  | { outcome: 'linked'; phone: string }
  | { outcome: 'none' | 'expired' | 'exhausted' }
  | { outcome: 'wrong'; attemptsLeft: number }
  | { outcome: 'number_locked'; retryAt: Date };

/**
 * Checks a code the visitor typed; a right one links the visitor to the number (and is used up). Every wrong try
 * counts twice: against the code (`maxAttempts`, then a new code is needed) and against the number (wrong codes per
 * window across every session and tenant, after which no code for it is taken until the window moves on).
 */
export async function checkCode(
  db: Kysely<Database>,
  session: { id: string; tenant_id: string; visitor_id: string },
  code: string,
  maxAttempts: number,
  limits: CodeLimits,
): Promise<CodeCheck> {
  return db.transaction().execute(async (trx) => {
    const waiting = await trx.selectFrom('phone_codes').select('phone').where('session_id', '=', session.id).executeTakeFirst();
    if (!waiting) return { outcome: 'none' };
    await lockNumber(trx, waiting.phone);
    const row = await trx.selectFrom('phone_codes').selectAll().where('session_id', '=', session.id).forUpdate().executeTakeFirst();
    // A new code for another number replaced it meanwhile: this try is not that number's (nor under its lock).
    if (!row || row.phone !== waiting.phone) return { outcome: 'none' };
    if (row.expires_at.getTime() < Date.now()) return { outcome: 'expired' };
    if (row.attempts >= maxAttempts) return { outcome: 'exhausted' };
    const wrongs = await trx
      .selectFrom('phone_code_tries')
      .select('at')
      .where('phone', '=', row.phone)
      .where('kind', '=', 'wrong')
      .where('at', '>', new Date(Date.now() - limits.windowMs))
      .execute();
    const locked = retryAt(wrongs.map((w) => w.at), limits.wrongCodesPerNumber, limits.windowMs);
    if (locked) return { outcome: 'number_locked', retryAt: locked };
    const expected = Buffer.from(await codeFor(trx, row.code_id));
    const given = Buffer.from(code);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      await trx.updateTable('phone_codes').set({ attempts: row.attempts + 1 }).where('session_id', '=', session.id).execute();
      await trx.insertInto('phone_code_tries').values({ tenant_id: session.tenant_id, phone: row.phone, kind: 'wrong', session_id: session.id }).execute();
      return { outcome: 'wrong', attemptsLeft: maxAttempts - row.attempts - 1 };
    }
    await trx.deleteFrom('phone_codes').where('session_id', '=', session.id).execute();
    await trx.updateTable('web_visitors').set({ linked_phone: row.phone }).where('id', '=', session.visitor_id).execute();
    return { outcome: 'linked', phone: row.phone };
  });
}
