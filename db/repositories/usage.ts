import { sql, type Kysely } from 'kysely';
import { localDay, localTime, zonedInstant } from '../../domain/time-zone';
import type { Database } from '../schema';

/** How much of its monthly token budget a tenant used: `warning` from 80 %, `spent` at 100 %. */
export interface Budget {
  monthlyTokens: number | null;
  usedThisMonth: number;
  state: 'ok' | 'warning' | 'spent';
}

/** The first instant of the current month in `timeZone`. */
function monthStart(now: Date, timeZone: string): Date {
  return zonedInstant(`${localTime(now, timeZone).date.slice(0, 8)}01`, 0, timeZone);
}

export async function budgetOf(db: Kysely<Database>, tenantId: string, now = new Date()): Promise<Budget> {
  const tenant = await db.selectFrom('tenants').select(['monthly_token_budget', 'time_zone']).where('id', '=', tenantId).executeTakeFirst();
  const limit = tenant?.monthly_token_budget == null ? null : Number(tenant.monthly_token_budget);
  if (limit === null) return { monthlyTokens: null, usedThisMonth: 0, state: 'ok' };
  const row = await db
    .selectFrom('model_calls')
    .select(sql<string>`coalesce(sum(prompt_tokens + completion_tokens), 0)`.as('used'))
    .where('tenant_id', '=', tenantId)
    .where('created_at', '>=', monthStart(now, tenant?.time_zone ?? 'UTC'))
    // What an operator spends trying a changed assistant (`npm run replay`) never stops live replies.
    .where('purpose', 'not in', ['replay', 'judge'])
    .executeTakeFirstOrThrow();
  const used = Number(row.used);
  return { monthlyTokens: limit, usedThisMonth: used, state: used >= limit ? 'spent' : used >= limit * 0.8 ? 'warning' : 'ok' };
}

export interface UsageRow {
  /** YYYY-MM-DD in the tenant's time zone. */
  day: string;
  model: string;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
}

/** Model use per day (in `timeZone`) and model, for days `from` to `to` (YYYY-MM-DD, both included). */
export async function usageByDay(db: Kysely<Database>, tenantId: string, timeZone: string, from: string, to: string): Promise<UsageRow[]> {
  const day = sql<string>`to_char(created_at at time zone ${timeZone}, 'YYYY-MM-DD')`;
  const rows = await db
    .selectFrom('model_calls')
    .select([
      day.as('day'),
      'model',
      sql<string>`count(*)`.as('calls'),
      sql<string>`sum(prompt_tokens)`.as('prompt'),
      sql<string>`sum(completion_tokens)`.as('completion'),
      sql<string>`sum(cost_usd)`.as('cost'),
    ])
    .where('tenant_id', '=', tenantId)
    .where('created_at', '>=', localDay(from, timeZone)[0])
    .where('created_at', '<', localDay(to, timeZone)[1])
    // By position: the day's expression carries the time zone as a parameter, which GROUP BY cannot match by value.
    .groupBy([sql`1`, sql`2`])
    .orderBy(sql`1`)
    .orderBy(sql`2`)
    .execute();
  return rows.map((r) => ({ day: r.day, model: r.model, calls: Number(r.calls), promptTokens: Number(r.prompt), completionTokens: Number(r.completion), costUsd: Number(r.cost) }));
}

/** A conversation's own model use. */
export async function conversationUsage(db: Kysely<Database>, conversationId: string) {
  const row = await db
    .selectFrom('model_calls')
    .select([
      sql<string>`count(*)`.as('calls'),
      sql<string>`coalesce(sum(prompt_tokens), 0)`.as('prompt'),
      sql<string>`coalesce(sum(completion_tokens), 0)`.as('completion'),
      sql<string>`coalesce(sum(cost_usd), 0)`.as('cost'),
    ])
    .where('conversation_id', '=', conversationId)
    .executeTakeFirstOrThrow();
  return { calls: Number(row.calls), promptTokens: Number(row.prompt), completionTokens: Number(row.completion), costUsd: Number(row.cost) };
}
