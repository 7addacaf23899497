import type { Kysely } from 'kysely';
import type { Conversation, Database } from '../schema';

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

/**
 * The conversation's summary, folding in its messages up to `newestMessageId` (the newest one it saw; its time is
 * read in the database, which keeps microseconds that a JavaScript date would drop).
 */
export async function saveSummary(db: Kysely<Database>, id: string, summary: string, newestMessageId: string): Promise<void> {
  const until = db.selectFrom('messages').select('created_at').where('id', '=', newestMessageId);
  await db.updateTable('conversations').set({ summary, summarized_until: until }).where('id', '=', id).execute();
}

/** What a model turn needs besides the messages: the conversation's rolling summary and its tenant's instructions. */
export async function getPromptSettings(
  db: Kysely<Database>,
  conversationId: string,
): Promise<{ summary: string | null; systemPrompt: string | null } | undefined> {
  return db
    .selectFrom('conversations')
    .innerJoin('tenants', 'tenants.id', 'conversations.tenant_id')
    .select(['conversations.summary as summary', 'tenants.system_prompt as systemPrompt'])
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst();
}
