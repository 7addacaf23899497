import { sql, type Kysely } from 'kysely';
import type { Conversation, Database } from '../schema';

export interface ConversationKey {
  id: string;
  tenantId: string;
  contactKey: string;
}

/** Counts a new message and moves the activity fields forward (never backwards, whatever the order). */
export async function bumpConversation(
  db: Kysely<Database>,
  conversation: { id: string; channel: string; at: Date },
): Promise<void> {
  await db
    .updateTable('conversations')
    .set({
      last_channel: conversation.channel,
      last_message_at: sql`greatest(last_message_at, ${conversation.at})`,
      message_count: sql`message_count + 1`,
    })
    .where('id', '=', conversation.id)
    .execute();
}

export async function ensureConversation(
  db: Kysely<Database>,
  conversation: ConversationKey & { channel: string; at: Date },
): Promise<void> {
  await db
    .insertInto('conversations')
    .values({
      id: conversation.id,
      tenant_id: conversation.tenantId,
      contact_key: conversation.contactKey,
      last_channel: conversation.channel,
      last_message_at: conversation.at,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

export async function listConversations(
  db: Kysely<Database>,
  options: { tenantId: string; limit: number; before?: Date },
): Promise<Conversation[]> {
  let query = db
    .selectFrom('conversations')
    .selectAll()
    .where('tenant_id', '=', options.tenantId)
    .orderBy('last_message_at', 'desc')
    .limit(options.limit);
  if (options.before) query = query.where('last_message_at', '<', options.before);
  return query.execute();
}

export async function getConversation(db: Kysely<Database>, id: string): Promise<Conversation | undefined> {
  return db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function saveSummary(db: Kysely<Database>, id: string, summary: string): Promise<void> {
  await db.updateTable('conversations').set({ summary }).where('id', '=', id).execute();
}

