import { sql, type Kysely } from 'kysely';
import { notifyExpression } from '../events';
import { optedOutExpression } from './contacts';
import { countMessage } from './conversations';
import { optedOutStatus } from './messages';
import type { Database, NewMessage } from '../schema';

export interface InboundRecord {
  conversation: { id: string; tenantId: string; contactKey: string; phone: string | null };
  message: NewMessage & { id: string; channel: string; created_at: Date };
}

export interface RecordedInbound {
  /** Whether this call wrote the message (false for a repeat). */
  wrote: boolean;
  /** Whether the contact had opted out of the message's channel before this message. */
  optedOut: boolean;
  /** Every channel of the conversation, this message's included. */
  channels: string[];
}

/**
 * Records a customer's message in one statement: the conversation (created or moved forward, its channels
 * included), the contact, the message itself, and the notification for agents' screens; and reads the contact's
 * opt-out for the channel. A repeat (same row id or provider id) changes nothing and notifies no one.
 */
export async function recordInboundMessage(db: Kysely<Database>, { conversation, message }: InboundRecord): Promise<RecordedInbound> {
  const event = { type: 'message', tenantId: conversation.tenantId, conversationId: conversation.id, messageId: message.id } as const;
  const optedOut = optedOutExpression({ tenantId: conversation.tenantId, contactKey: conversation.contactKey, channel: message.channel });
  // A message received while its writer was opted out of the channel says so: it is kept for agents, not for models.
  const status = message.status === 'received' ? sql<string>`case when ${optedOut} then ${optedOutStatus} else 'received' end` : message.status;
  const row = await db
    .with('inserted', (q) => q.insertInto('messages').values({ ...message, status }).onConflict((oc) => oc.doNothing()).returning('id'))
    .with('conversation', (q) =>
      countMessage(q, conversation, { channel: message.channel, at: message.created_at, addChannel: true }).returning('channels'),
    )
    .with('contact', (q) =>
      q
        .insertInto('contacts')
        .values({ tenant_id: conversation.tenantId, contact_key: conversation.contactKey, phone: conversation.phone })
        .onConflict((oc) => oc.columns(['tenant_id', 'contact_key']).doNothing())
        .returning('contact_key'),
    )
    .selectNoFrom((eb) => [
      eb.exists(eb.selectFrom('inserted').select('id')).as('wrote'),
      sql<unknown>`(select ${notifyExpression(event)} from inserted)`.as('notified'),
      // A repeat leaves the conversation alone, so its channels come from the row as it was.
      sql<string[] | null>`coalesce(
        (select channels from conversation),
        (select channels from conversations where id = ${conversation.id})
      )`.as('channels'),
      optedOut.as('optedOut'),
    ])
    .executeTakeFirstOrThrow();
  return { wrote: row.wrote === true, optedOut: row.optedOut === true, channels: row.channels ?? [message.channel] };
}
