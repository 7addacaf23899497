import { sql, type Kysely } from 'kysely';
import { notifyExpression, publishEvent, type ConversationEvent } from '../events';
import type { Database, NewMessage } from '../schema';
import { optedOutExpression, type ContactChannel } from './contacts';
import { countMessage } from './conversations';

/**
 * Writes one outbound part to the outbox before it is sent, counts it on its conversation (creating the
 * conversation's row when the service writes first: an agent's outreach, a web visitor's code), and reads whether
 * the contact opted out of the channel: one statement. `created` is false when the row was already there (a
 * retried send), and then nothing changes.
 */
export async function enqueueOutbound(
  db: Kysely<Database>,
  message: NewMessage & { id: string; conversation_id: string; channel: string },
  contact: ContactChannel,
): Promise<{ created: boolean; optedOut: boolean }> {
  const row = await db
    .with('inserted', (q) => q.insertInto('messages').values(message).onConflict((oc) => oc.doNothing()).returning('id'))
    .with('counted', (q) =>
      countMessage(q, { id: message.conversation_id, tenantId: contact.tenantId, contactKey: contact.contactKey }, {
        channel: message.channel,
        at: sql<Date>`now()`,
        addChannel: false,
      }).returning('id'),
    )
    .selectNoFrom((eb) => [
      eb.exists(eb.selectFrom('inserted').select('id')).as('created'),
      optedOutExpression(contact).as('optedOut'),
    ])
    .executeTakeFirstOrThrow();
  return { created: row.created === true, optedOut: row.optedOut === true };
}

/**
 * Records Twilio's acceptance of a part and notifies agents' screens, in one statement. Returns whether status
 * callbacks for it arrived before this (they are stored until the send is recorded, then applied).
 */
export async function markSent(
  db: Kysely<Database>,
  sent: { id: string; providerMessageId: string; status: string },
  event: ConversationEvent,
): Promise<{ earlyCallbacks: boolean }> {
  const row = await db
    .updateTable('messages')
    .set({ provider_message_id: sent.providerMessageId, status: sent.status, updated_at: new Date() })
    .where('id', '=', sent.id)
    .returning((eb) => [
      eb.exists(eb.selectFrom('delivery_events').select('id').where('provider_message_id', '=', sent.providerMessageId)).as('early'),
      sql<unknown>`${notifyExpression(event)}`.as('notified'),
    ])
    .executeTakeFirst();
  return { earlyCallbacks: row?.early === true };
}

/**
 * A reply the customer already had live, token by token (a call): recorded as delivered, once, where it was
 * heard in the conversation, and announced. A repeat (a retried attempt) changes nothing.
 */
export async function recordStreamedReply(
  db: Kysely<Database>,
  message: NewMessage & { id: string; conversation_id: string; channel: string; tenant_id: string },
  contact: ContactChannel,
): Promise<void> {
  const { created } = await enqueueOutbound(db, message, contact);
  if (created) await publishEvent(db, { type: 'message', tenantId: message.tenant_id, conversationId: message.conversation_id, messageId: message.id });
}

/** Which of `providerIds` some message row already carries. */
export async function providerIdsClaimed(db: Kysely<Database>, providerIds: string[]): Promise<Set<string>> {
  if (providerIds.length === 0) return new Set();
  const rows = await db.selectFrom('messages').select('provider_message_id').where('provider_message_id', 'in', providerIds).execute();
  return new Set(rows.map((r) => r.provider_message_id ?? ''));
}
