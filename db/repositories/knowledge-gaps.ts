import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

/** A customer's question the assistant could not answer from the knowledge base. */
export interface UnansweredQuestion {
  messageId: string;
  conversationId: string;
  question: string;
  askedAt: Date;
  /** `handoff`: it went to people; `no_source`: the assistant answered it without any passage. */
  reason: 'handoff' | 'no_source';
  /** What an agent answered to it, if one did: the draft of the document that would answer it next time. */
  agentReply: string | null;
}

/**
 * The tenant's questions since `since` that the knowledge base did not answer, newest first: the customer's message
 * before each handoff, and before each AI reply kept without a source (a question of fact answered without any
 * passage), with the first reply an agent gave after it.
 */
export async function unansweredQuestions(db: Kysely<Database>, tenantId: string, since: Date, limit: number, until = new Date('9999-12-31')): Promise<UnansweredQuestion[]> {
  const rows = await sql<{ message_id: string; conversation_id: string; question: string; asked_at: Date; reason: 'handoff' | 'no_source'; agent_reply: string | null }>`
    with unanswered as (
      select m.conversation_id, m.created_at as at, 'no_source' as reason
      from messages m
      where m.tenant_id = ${tenantId} and m.author = 'ai' and m.sources = '[]'::jsonb and m.created_at >= ${since} and m.created_at < ${until}
      union all
      select h.conversation_id, h.created_at, 'handoff'
      from handoff_tasks h
      -- An agent taking a conversation over is no question left unanswered.
      where h.tenant_id = ${tenantId} and h.created_at >= ${since} and h.created_at < ${until} and h.kind = 'handoff'
    )
    select * from (
    select distinct on (q.id) q.id as message_id, u.conversation_id, q.body as question, q.created_at as asked_at, u.reason,
      (select a.body from messages a
       where a.conversation_id = u.conversation_id and a.author = 'agent' and a.direction = 'outbound' and a.created_at > q.created_at
       order by a.created_at limit 1) as agent_reply
    from unanswered u
    cross join lateral (
      select i.id, i.body, i.created_at from messages i
      where i.conversation_id = u.conversation_id and i.direction = 'inbound' and i.author = 'customer' and i.created_at <= u.at and i.body <> ''
      order by i.created_at desc
      limit 1
    ) q
    order by q.id, u.at desc
    ) found
    order by asked_at desc
    limit ${limit}
  `.execute(db);
  return rows.rows
    .map((r) => ({ messageId: r.message_id, conversationId: r.conversation_id, question: r.question, askedAt: r.asked_at, reason: r.reason, agentReply: r.agent_reply }))
    .sort((a, b) => b.askedAt.getTime() - a.askedAt.getTime());
}
