import { sql, type Kysely } from 'kysely';
import type { Database, HandoffStatus, HandoffTask } from '../schema';

export async function insertHandoffTask(
  db: Kysely<Database>,
  task: { id: string; tenantId: string; conversationId: string; reason: string; deadline: Date; channel: string | null; claimedBy?: string; kind?: 'takeover' },
): Promise<boolean> {
  const inserted = await db
    .insertInto('handoff_tasks')
    .values({
      id: task.id,
      tenant_id: task.tenantId,
      conversation_id: task.conversationId,
      reason: task.reason,
      channel: task.channel,
      status: task.claimedBy ? 'claimed' : 'open',
      deadline: task.deadline,
      ...(task.claimedBy ? { claimed_by: task.claimedBy, claimed_at: new Date(), kind: task.kind ?? 'handoff' } : {}),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function updateHandoffTask(
  db: Kysely<Database>,
  id: string,
  update: { status: HandoffStatus; claimedBy?: string; note?: string | null; escalatedAt?: Date },
): Promise<HandoffTask | undefined> {
  return db
    .updateTable('handoff_tasks')
    .set({
      status: update.status,
      ...(update.claimedBy !== undefined ? { claimed_by: update.claimedBy } : {}),
      // The first claim only: how long the person waited.
      ...(update.status === 'claimed' ? { claimed_at: sql<Date>`coalesce(claimed_at, now())` } : {}),
      ...(update.note !== undefined ? { resolution_note: update.note } : {}),
      ...(update.escalatedAt ? { escalated_at: update.escalatedAt } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function getHandoffTask(db: Kysely<Database>, tenantId: string, id: string): Promise<HandoffTask | undefined> {
  return db.selectFrom('handoff_tasks').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** Open, escalated and claimed tasks of a tenant, oldest first: the agents' queue. */
export async function listActiveHandoffs(db: Kysely<Database>, tenantId: string) {
  return db
    .selectFrom('handoff_tasks as h')
    .innerJoin('conversations as c', 'c.id', 'h.conversation_id')
    .leftJoin('agents as a', 'a.id', 'h.claimed_by')
    // A web visitor's conversation is web:<visitor>; the name they gave, if any, is what agents call them.
    .leftJoin('web_visitors as v', (join) =>
      join.on(sql<string>`c.contact_key`, 'like', 'web:%').on('v.id', '=', sql<string>`substr(c.contact_key, 5)`),
    )
    .select([
      'v.name as customer_name',
      'h.id',
      'h.conversation_id',
      'h.reason',
      'h.status',
      'h.claimed_by',
      'a.name as claimed_by_name',
      'h.deadline',
      'h.escalated_at',
      'h.created_at',
      'c.contact_key',
      sql<string>`coalesce(h.channel, c.last_channel)`.as('last_channel'),
    ])
    .where('h.tenant_id', '=', tenantId)
    .where('h.status', 'in', ['open', 'escalated', 'claimed'])
    .orderBy('h.created_at')
    .execute();
}

/** The name of the agent who holds the conversation's open handoff, if anyone does. */
export async function holderName(db: Kysely<Database>, conversationId: string): Promise<string | null> {
  const row = await db
    .selectFrom('handoff_tasks as h')
    .innerJoin('agents as a', 'a.id', 'h.claimed_by')
    .select('a.name')
    .where('h.conversation_id', '=', conversationId)
    .where('h.status', '=', 'claimed')
    .orderBy('h.created_at', 'desc')
    .executeTakeFirst();
  return row?.name ?? null;
}
