import { sql, type Kysely } from 'kysely';
import { localDay } from '../../domain/time-zone';
import type { Database } from '../schema';

/**
 * The figures of the analytics report (`GET /api/analytics`), each one query over a tenant's days. Days are the
 * tenant's: a row belongs to the local date of its time in `timeZone`, and the range runs from the first instant of
 * `from` to the last of `to` there (23 or 25 hours on the days the clocks change).
 */
export interface DayRange {
  tenantId: string;
  timeZone: string;
  /** YYYY-MM-DD, both included. */
  from: string;
  to: string;
}

/** The range as [start, end) instants. */
export function instantsOf(range: DayRange): [Date, Date] {
  return [localDay(range.from, range.timeZone)[0], localDay(range.to, range.timeZone)[1]];
}

/** The local date of a row's time: grouped by position, since the time zone is a parameter GROUP BY cannot match. */
const localDate = (column: string, timeZone: string) => sql<string>`to_char(${sql.ref(column)} at time zone ${timeZone}, 'YYYY-MM-DD')`;

/** Seconds to the millisecond: what percentiles of timestamps come out as, without float noise. */
const seconds = (value: number | string | null) => (value === null ? null : Math.round(Number(value) * 1000) / 1000);

export interface WaitFigures {
  count: number;
  p50Seconds: number | null;
  p90Seconds: number | null;
}

export interface ChannelDayRow {
  day: string;
  channel: string;
  conversations: number;
  messagesIn: number;
  messagesOut: number;
  /** Of `messagesOut`, the assistant's; the rest are agents'. */
  byAssistant: number;
  notices: number;
}

/** Messages per day and channel, notes (`internal`) left out: they are never sent and nobody waits on them. */
export async function messagesByDay(db: Kysely<Database>, range: DayRange): Promise<ChannelDayRow[]> {
  const [start, end] = instantsOf(range);
  const rows = await db
    .selectFrom('messages')
    .select([
      localDate('created_at', range.timeZone).as('day'),
      'channel',
      sql<string>`count(distinct conversation_id)`.as('conversations'),
      sql<string>`count(*) filter (where author = 'customer')`.as('in'),
      sql<string>`count(*) filter (where direction = 'outbound' and author in ('ai', 'agent'))`.as('out'),
      sql<string>`count(*) filter (where direction = 'outbound' and author = 'ai')`.as('ai'),
      sql<string>`count(*) filter (where author = 'system')`.as('notices'),
    ])
    .where('tenant_id', '=', range.tenantId)
    .where('direction', '<>', 'internal')
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .groupBy([sql`1`, sql`2`])
    .execute();
  return rows.map((r) => ({
    day: r.day,
    channel: r.channel,
    conversations: Number(r.conversations),
    messagesIn: Number(r.in),
    messagesOut: Number(r.out),
    byAssistant: Number(r.ai),
    notices: Number(r.notices),
  }));
}

/** Conversations with any message in the range (notes aside), each once whatever its days and channels. */
export async function conversationsIn(db: Kysely<Database>, range: DayRange): Promise<number> {
  const [start, end] = instantsOf(range);
  const row = await db
    .selectFrom('messages')
    .select(sql<string>`count(distinct conversation_id)`.as('count'))
    .where('tenant_id', '=', range.tenantId)
    .where('direction', '<>', 'internal')
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** What model calls cost per day, and in all, to the millionth of a dollar (summed exactly, as numeric, first). */
export async function costByDay(db: Kysely<Database>, range: DayRange): Promise<{ days: { day: string; costUsd: number }[]; totalUsd: number }> {
  const [start, end] = instantsOf(range);
  const rows = await db
    .selectFrom('model_calls')
    .select([
      localDate('created_at', range.timeZone).as('day'),
      sql<string>`round(sum(cost_usd), 6)`.as('cost'),
      sql<string>`round(sum(sum(cost_usd)) over (), 6)`.as('total'),
    ])
    .where('tenant_id', '=', range.tenantId)
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .groupBy(sql`1`)
    .execute();
  return { days: rows.map((r) => ({ day: r.day, costUsd: Number(r.cost) })), totalUsd: Number(rows[0]?.total ?? 0) };
}

/** Calls started per day; their number and average length (of those whose length is known). */
export async function callsByDay(db: Kysely<Database>, range: DayRange): Promise<{ days: { day: string; calls: number }[]; count: number; averageSeconds: number | null }> {
  const [start, end] = instantsOf(range);
  const rows = await db
    .selectFrom('calls')
    .select([
      localDate('started_at', range.timeZone).as('day'),
      sql<string>`count(*)`.as('calls'),
      sql<string | null>`sum(sum(duration_seconds)) over () / nullif(sum(count(duration_seconds)) over (), 0)`.as('average'),
    ])
    .where('tenant_id', '=', range.tenantId)
    .where('started_at', '>=', start)
    .where('started_at', '<', end)
    .groupBy(sql`1`)
    .execute();
  const days = rows.map((r) => ({ day: r.day, calls: Number(r.calls) }));
  return { days, count: days.reduce((sum, d) => sum + d.calls, 0), averageSeconds: seconds(rows[0]?.average ?? null) };
}

/**
 * How long customers waited for a first answer: from each customer message that starts a wait (the conversation's
 * message before it, notes aside, is not the customer's, or there is none) to the next reply by the assistant or an
 * agent, whenever that came. A service notice ("a person will answer soon") is no answer. Waits never answered are
 * left out: they are in the unanswered list, not in how fast answers come.
 */
export async function firstResponse(db: Kysely<Database>, range: DayRange): Promise<WaitFigures> {
  const [start, end] = instantsOf(range);
  const { rows } = await sql<{ count: string; p50: number | null; p90: number | null }>`
    with asked as (
      select m.conversation_id, m.author, m.created_at,
        -- Over the whole conversation, not only the range: a wait is started by what came before it, even days before.
        lag(m.author) over (partition by m.conversation_id order by m.created_at, m.id) as before
      from messages m
      where m.tenant_id = ${range.tenantId} and m.direction <> 'internal' and m.created_at < ${end}
        and m.conversation_id in (
          select conversation_id from messages
          where tenant_id = ${range.tenantId} and author = 'customer' and created_at >= ${start} and created_at < ${end})
    ),
    waits as (
      select extract(epoch from (
        select min(r.created_at) from messages r
        where r.conversation_id = a.conversation_id and r.direction = 'outbound' and r.author in ('ai', 'agent') and r.created_at > a.created_at
      ) - a.created_at)::float8 as seconds
      from asked a
      where a.author = 'customer' and a.before is distinct from 'customer' and a.created_at >= ${start}
    )
    select count(seconds) as count,
      percentile_cont(0.5) within group (order by seconds) as p50,
      percentile_cont(0.9) within group (order by seconds) as p90
    from waits
    where seconds is not null
  `.execute(db);
  const row = rows[0];
  return { count: Number(row?.count ?? 0), p50Seconds: seconds(row?.p50 ?? null), p90Seconds: seconds(row?.p90 ?? null) };
}

/** How long handoffs opened in the range waited for an agent to claim them; ones nobody claimed are left out. */
export async function handoffWait(db: Kysely<Database>, range: DayRange): Promise<WaitFigures> {
  const [start, end] = instantsOf(range);
  const waited = sql`extract(epoch from claimed_at - created_at)::float8`;
  const row = await db
    .selectFrom('handoff_tasks')
    .select([
      sql<string>`count(*)`.as('count'),
      sql<number | null>`percentile_cont(0.5) within group (order by ${waited})`.as('p50'),
      sql<number | null>`percentile_cont(0.9) within group (order by ${waited})`.as('p90'),
    ])
    // A takeover is an agent joining unasked: nobody waited for it.
    .where('kind', '=', 'handoff')
    .where('claimed_at', 'is not', null)
    .where('tenant_id', '=', range.tenantId)
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), p50Seconds: seconds(row.p50), p90Seconds: seconds(row.p90) };
}

export interface HandoffReason {
  /** The wording used most often among the handoffs of this reason. */
  label: string;
  count: number;
  /** Newest handoff first, each conversation once. */
  conversationIds: string[];
}

/** Why the assistant handed over, reasons told apart by their words alone (case and spaces aside), most frequent first. */
export async function handoffReasons(db: Kysely<Database>, range: DayRange, limit: number): Promise<HandoffReason[]> {
  const [start, end] = instantsOf(range);
  const rows = await db
    .selectFrom('handoff_tasks')
    .select([
      sql<string>`lower(trim(reason))`.as('key'),
      sql<string>`mode() within group (order by trim(reason))`.as('label'),
      sql<string>`count(*)`.as('count'),
      sql<string[]>`array_agg(conversation_id order by created_at desc)`.as('conversation_ids'),
    ])
    .where('kind', '=', 'handoff')
    .where('tenant_id', '=', range.tenantId)
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    // A reason left blank says nothing an agent could act on.
    .where(sql<boolean>`trim(reason) <> ''`)
    .groupBy(sql`1`)
    .orderBy(sql`3`, 'desc')
    .orderBy(sql`1`)
    .limit(limit)
    .execute();
  return rows.map((r) => ({ label: r.label, count: Number(r.count), conversationIds: [...new Set(r.conversation_ids)] }));
}
