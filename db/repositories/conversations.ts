import { sql, type Expression, type Kysely, type QueryCreator } from 'kysely';
import type { Conversation, Database } from '../schema';

export async function getConversation(db: Kysely<Database>, id: string): Promise<Conversation | undefined> {
  return db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The conversation's run ended; the inbox shows it closed until its next message. */
/**
 * The conversation's run ended. A project's context ends with it once the person answered its outreach (wrote
 * since); reached by the outreach but not yet answering, they keep it for when they do.
 */
export async function markClosed(db: Kysely<Database>, id: string): Promise<void> {
  const answered = sql<boolean>`exists (select 1 from messages where messages.conversation_id = conversations.id and messages.direction = 'inbound' and messages.created_at > conversations.project_since)`;
  await db
    .updateTable('conversations')
    .set({
      closed_at: sql`now()`,
      project_id: sql`case when ${answered} then null else project_id end`,
      project_since: sql`case when ${answered} then null else project_since end`,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * The conversation's summary, folding in its messages up to `newestMessageId` (the newest one it saw; its time is
 * read in the database, which keeps microseconds that a JavaScript date would drop).
 */
export async function saveSummary(db: Kysely<Database>, id: string, summary: string, newestMessageId: string): Promise<void> {
  const until = db.selectFrom('messages').select('created_at').where('id', '=', newestMessageId);
  await db.updateTable('conversations').set({ summary, summarized_until: until }).where('id', '=', id).execute();
}

/**
 * What a model turn needs besides the messages: the conversation's rolling summary, who its tenant is (name,
 * instructions, persona, time zone) and what agents wrote down about the person (contact panel) for the system prompt.
 */
export async function getPromptSettings(db: Kysely<Database>, conversationId: string) {
  return db
    .selectFrom('conversations')
    .innerJoin('tenants', 'tenants.id', 'conversations.tenant_id')
    .leftJoin('contacts', (join) => join.onRef('contacts.tenant_id', '=', 'conversations.tenant_id').onRef('contacts.contact_key', '=', 'conversations.contact_key'))
    .leftJoin('projects', 'projects.id', 'conversations.project_id')
    .select([
      'conversations.summary as summary',
      'projects.name as project_name',
      'projects.prompt_addition as project_prompt',
      'tenants.name',
      'tenants.system_prompt',
      'tenants.persona',
      'tenants.time_zone',
      'contacts.name as contact_name',
      'contacts.note as contact_note',
    ])
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst();
}

/**
 * Counts a message on its conversation, for use in a statement whose `inserted` step wrote the message: the
 * conversation's row is created, or moved forward (newest channel and time, one more message, the message's
 * channel added to those used), and only when the message is new: a repeat counts nothing. Statements in one query
 * do not see each other's rows, which is why the existing row is moved forward here.
 */
export function countMessage<DB extends Database>(
  q: QueryCreator<DB>,
  conversation: { id: string; tenantId: string; contactKey: string },
  message: { channel: string; at: Date | Expression<Date>; addChannel: boolean },
) {
  return (q as unknown as QueryCreator<Database>)
    .insertInto('conversations')
    .values({
      id: conversation.id,
      tenant_id: conversation.tenantId,
      contact_key: conversation.contactKey,
      last_channel: message.channel,
      channels: message.addChannel ? [message.channel] : [],
      last_message_at: message.at,
      message_count: 1,
    })
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({
          last_channel: message.channel,
          // A message that adds no channel (the service writing) has none to add: `excluded.channels[1]` is null.
          channels: sql`case when excluded.channels[1] is null or excluded.channels[1] = any(conversations.channels)
            then conversations.channels else conversations.channels || excluded.channels end`,
          last_message_at: sql`greatest(conversations.last_message_at, excluded.last_message_at)`,
          message_count: sql`conversations.message_count + 1`,
          closed_at: null,
        })
        .where(sql<boolean>`exists (select 1 from inserted)`),
    );
}

