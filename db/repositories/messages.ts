import { sql, type Kysely } from 'kysely';
import type { Database, Message, MessageUpdate, NewMessage } from '../schema';

/** The status of a customer's message written while they were opted out of its channel. */
export const optedOutStatus = 'opted_out';

/** Inserts unless a row with the same id (or provider id) exists; returns whether this call wrote it. */
export async function insertMessageOnce(db: Kysely<Database>, message: NewMessage): Promise<boolean> {
  const inserted = await db
    .insertInto('messages')
    .values(message)
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function getMessage(db: Kysely<Database>, id: string): Promise<Message | undefined> {
  return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateMessage(db: Kysely<Database>, id: string, update: MessageUpdate): Promise<void> {
  await db
    .updateTable('messages')
    .set({ ...update, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** A conversation's messages in order (oldest first), or its newest ones with `newestFirst`. */
export async function listMessages(
  db: Kysely<Database>,
  conversationId: string,
  options: { limit: number; newestFirst?: boolean },
): Promise<Message[]> {
  const order = options.newestFirst ? 'desc' : 'asc';
  return db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('created_at', order)
    .orderBy('id', order)
    .limit(options.limit)
    .execute();
}

/**
 * A conversation's messages a model may read, newest first, at most `limit`: what a person wrote while opted out of
 * its channel is kept for agents, never sent to a model.
 */
function newestForModels(db: Kysely<Database>, conversationId: string, limit: number) {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('status', '<>', optedOutStatus)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
}

/**
 * What the conversation's next summary folds in: its messages after the last summary's newest, at most the newest
 * `limit`, oldest first. (Times are compared in the database, which keeps microseconds that a JavaScript date would
 * drop.)
 */
export async function messagesToSummarize(db: Kysely<Database>, conversationId: string, limit: number): Promise<Message[]> {
  const since = db.selectFrom('conversations').select(sql<Date>`coalesce(summarized_until, '-infinity')`.as('since')).where('id', '=', conversationId);
  return (await newestForModels(db, conversationId, limit).where('created_at', '>', since).execute()).reverse();
}

/**
 * The newest messages of a conversation up to and including `untilId` (newest first), so a reply turn sees
 * exactly the batch it answers and nothing that arrived after it started.
 */
export async function recentMessagesUntil(db: Kysely<Database>, conversationId: string, untilId: string, limit: number): Promise<Message[]> {
  const until = db.selectFrom('messages').select('created_at').where('id', '=', untilId);
  return newestForModels(db, conversationId, limit).where('created_at', '<=', until).execute();
}

/** Whether the customer wrote (or said) anything after message `messageId`: a reply to it would come too late. */
export async function customerWroteSince(db: Kysely<Database>, conversationId: string, messageId: string): Promise<boolean> {
  const since = db.selectFrom('messages').select('created_at').where('id', '=', messageId);
  const newer = await db
    .selectFrom('messages')
    .select('id')
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'inbound')
    .where('created_at', '>', since)
    .limit(1)
    .executeTakeFirst();
  return newer !== undefined;
}

/** The spoken messages of one call (caller and replies), oldest first: voice rows whose addresses name the call. */
export async function listCallMessages(db: Kysely<Database>, conversationId: string, callSid: string): Promise<Message[]> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('channel', '=', 'voice')
    .where((eb) => eb.or([eb('provider_message_id', 'like', `${callSid}:%`), eb('to_address', '=', callSid)]))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * What a reconnecting stream may have missed: a conversation's messages from `overlapMs` before `since` on, oldest
 * first, without `seenId` (the last one the client had). Message times are not commit order (a streamed reply carries
 * the moment its last token went out, and is written a moment later), so the window reaches back; clients tell
 * messages apart by id.
 */
export async function messagesAfter(db: Kysely<Database>, conversationId: string, seenId: string, since: Date, overlapMs = 10_000): Promise<Message[]> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('created_at', '>=', new Date(since.getTime() - overlapMs))
    .where('id', '!=', seenId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(200)
    .execute();
}

/** When the person last wrote on `channel` in the conversation; null if they never did. */
export async function lastInboundAt(db: Kysely<Database>, conversationId: string, channel: string): Promise<Date | null> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'inbound')
    .where('channel', '=', channel)
    .executeTakeFirst();
  return row?.at ?? null;
}

/** The tenant that sent the message the channel knows by `providerMessageId`, if it was recorded. */
export async function tenantOfMessage(db: Kysely<Database>, providerMessageId: string): Promise<string | null> {
  const row = await db.selectFrom('messages').select('tenant_id').where('provider_message_id', '=', providerMessageId).executeTakeFirst();
  return row?.tenant_id ?? null;
}
