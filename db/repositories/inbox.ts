import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../schema';

import type { ConversationStatus } from '../../domain/conversation-status';

export interface InboxFilter {
  tenantId: string;
  /** The agent asking: `assignedToMe` is theirs. */
  agentId: string;
  channel?: string;
  status?: ConversationStatus;
  /** Only conversations with something waiting for a person: an approval, a handoff, or either. */
  open?: 'approval' | 'handoff' | 'any';
  assignedToMe?: boolean;
  /** Words in messages, a name or e-mail, or four or more digits of a phone number. */
  q?: string;
  /** These conversations only (a row to refresh, the conversations behind a figure). */
  ids?: string[];
  /** The last row of the page before (`InboxRow.cursor`). */
  after?: InboxCursor;
  limit: number;
}

export interface InboxCursor {
  /** `last_message_at` as PostgreSQL prints it: microseconds kept (a JavaScript date would drop them). */
  at: string;
  id: string;
}

export interface InboxRow {
  id: string;
  contact_key: string;
  name: string | null;
  email: string | null;
  channels: string[];
  last_channel: string;
  status: ConversationStatus;
  last_message_at: Date;
  at_text: string;
  preview: string | null;
  preview_author: string | null;
  open_approvals: number;
  message_count: number;
  created_at: Date;
}

/**
 * A person's name and e-mail: what an agent wrote in the contact panel, else what they told the web chat (the
 * conversation's own visitor, found by its id, or the newest one that proved this number). Two lookups on indexes,
 * not one on `id or linked_phone`, which no index serves.
 */
const visitorSaid = (column: 'name' | 'email') => sql<string | null>`coalesce(
  ct.${sql.ref(column)},
  (select v.${sql.ref(column)} from web_visitors v where c.contact_key like 'web:%' and v.id = substr(c.contact_key, 5)),
  (select v.${sql.ref(column)} from web_visitors v
   where v.tenant_id = c.tenant_id and v.linked_phone = c.contact_key and v.${sql.ref(column)} is not null
   order by v.created_at desc limit 1))`;
const nameOf = visitorSaid('name');
const emailOf = visitorSaid('email');

/**
 * Where the conversation stands: people have it (`with_agent`), it waits for them (`waiting`), the person opted out
 * of a channel, its run ended (`closed`), or the assistant answers (`ai`). In that order: the first that holds.
 */
const statusOf = sql<ConversationStatus>`case
  when exists (select 1 from handoff_tasks h where h.conversation_id = c.id and h.status = 'claimed') then 'with_agent'
  when exists (select 1 from handoff_tasks h where h.conversation_id = c.id and h.status in ('open', 'escalated')) then 'waiting'
  when exists (select 1 from opt_outs o where o.tenant_id = c.tenant_id and o.contact_key = c.contact_key) then 'opted_out'
  when c.closed_at is not null then 'closed'
  else 'ai' end`;

/** The tenant's conversations, newest activity first, a page at a time (keyset: a page never repeats or skips a row). */
export async function listInbox(db: Kysely<Database>, filter: InboxFilter): Promise<InboxRow[]> {
  const conditions: Expression<SqlBool>[] = [sql<SqlBool>`c.tenant_id = ${filter.tenantId}`];
  if (filter.after) conditions.push(sql<SqlBool>`(c.last_message_at, c.id) < (${filter.after.at}::timestamptz, ${filter.after.id})`);
  if (filter.ids) conditions.push(sql<SqlBool>`c.id = any(${filter.ids}::text[])`);
  if (filter.channel) conditions.push(sql<SqlBool>`${filter.channel} = any(c.channels)`);
  if (filter.status) conditions.push(sql<SqlBool>`${statusOf} = ${filter.status}`);
  const approvalOpen = sql<SqlBool>`exists (select 1 from approvals a where a.conversation_id = c.id and a.status = 'pending')`;
  const handoffOpen = sql<SqlBool>`exists (select 1 from handoff_tasks h where h.conversation_id = c.id and h.status in ('open', 'escalated', 'claimed'))`;
  if (filter.open === 'approval') conditions.push(approvalOpen);
  if (filter.open === 'handoff') conditions.push(handoffOpen);
  if (filter.open === 'any') conditions.push(sql<SqlBool>`(${approvalOpen} or ${handoffOpen})`);
  if (filter.assignedToMe) {
    conditions.push(sql<SqlBool>`exists (select 1 from handoff_tasks h where h.conversation_id = c.id and h.status = 'claimed' and h.claimed_by = ${filter.agentId})`);
  }
  if (filter.q) conditions.push(matches(filter.tenantId, filter.q));

  const where = sql.join(conditions, sql` and `);
  const { rows } = await sql<InboxRow>`
    select c.id, c.contact_key, c.channels, c.last_channel, c.last_message_at, c.last_message_at::text as at_text,
      c.message_count, c.created_at,
      ${nameOf} as name, ${emailOf} as email, ${statusOf} as status,
      last.body as preview, last.author as preview_author,
      (select count(*)::int from approvals a where a.conversation_id = c.id and a.status = 'pending') as open_approvals
    from conversations c
    left join contacts ct on ct.tenant_id = c.tenant_id and ct.contact_key = c.contact_key
    left join lateral (
      select m.body, m.author from messages m
      where m.conversation_id = c.id and m.direction <> 'internal'
      order by m.created_at desc limit 1
    ) last on true
    where ${where}
    order by c.last_message_at desc, c.id desc
    limit ${filter.limit}`.execute(db);
  return rows;
}

/**
 * A search: words the person or anyone in the conversation wrote (every word, the last one as a prefix), a name or
 * e-mail containing it, or, when it reads as a phone number, its digits anywhere in the number.
 */
function matches(tenantId: string, q: string): Expression<SqlBool> {
  // Each way of matching finds its conversations on its own index; the page then takes them in order.
  const found: Expression<unknown>[] = [];
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length > 0) {
    // The last word as a prefix (a search typed as it is written), once it has two letters: one would match most words.
    const query = words.map((word, i) => (i === words.length - 1 && word.length >= 2 ? `${word}:*` : word)).join(' & ');
    found.push(sql`select m.conversation_id from messages m
      where m.tenant_id = ${tenantId} and to_tsvector('simple', m.body) @@ to_tsquery('simple', ${query})`);
  }
  const like = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  found.push(sql`select n.id from conversations n where n.tenant_id = ${tenantId} and n.contact_key in (
    select contact_key from contacts where tenant_id = ${tenantId} and (name ilike ${like} or email ilike ${like})
    union all
    select unnest(array['web:' || id, linked_phone]) from web_visitors where tenant_id = ${tenantId} and (name ilike ${like} or email ilike ${like}))`);
  const digits = phoneDigits(q);
  if (digits) {
    found.push(sql`select d.id from conversations d
      where d.tenant_id = ${tenantId} and regexp_replace(d.contact_key, '[^0-9]', '', 'g') like ${`%${digits}%`}`);
  }
  return sql<SqlBool>`c.id in (${sql.join(found, sql` union `)})`;
}

/** The digits of a search that reads as (part of) a phone number in any format: four or more, else null. */
function phoneDigits(q: string): string | null {
  if (!/^[\d\s().+\-/]+$/.test(q.trim())) return null;
  const digits = q.replace(/\D/g, '');
  return digits.length >= 4 ? digits : null;
}
