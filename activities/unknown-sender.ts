import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** A turn the tenant's inbound policy keeps from the model; `notice`: the text to answer with, when one is due. */
export interface Screened {
  kind: 'screened';
  notice: 'unknownSender' | null;
}

/**
 * Under the tenant's `known_only` policy, whether the conversation's person is someone the business has never written
 * to (no message from a person of the team, no text from the assistant, ever), and whether a text was sent to them in
 * the last 24 hours. Null: the policy is `open`, or they are known.
 */
export async function unknownSender(db: Kysely<Database>, tenantId: string, conversationId: string): Promise<{ writtenToRecently: boolean } | null> {
  const tenant = await db.selectFrom('tenants').select('inbound_policy').where('id', '=', tenantId).executeTakeFirst();
  if (tenant?.inbound_policy !== 'known_only') return null;
  const written = await db
    .selectFrom('messages')
    .select([
      // A person of the team (a reply, a campaign), or the assistant on a text: a call or a web chat, which anyone can
      // open, makes nobody known.
      sql<boolean>`coalesce(bool_or(author = 'agent' or (author = 'ai' and channel in ('sms', 'whatsapp'))), false)`.as('known'),
      // The once-a-day notice counts texts sent to them, not what a call said.
      sql<boolean>`coalesce(bool_or(created_at > now() - interval '24 hours' and channel in ('sms', 'whatsapp')), false)`.as('recently'),
    ])
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'outbound')
    .executeTakeFirstOrThrow();
  return written.known ? null : { writtenToRecently: written.recently };
}

/**
 * The `known_only` policy for a text message (SMS, WhatsApp) from someone unknown: no model turn. The message is
 * recorded and listed to agents as any other; they are answered with the tenant's `unknownSender` text once a day at
 * most. Null: the turn goes on to the model.
 */
export async function screenUnknownSender(db: Kysely<Database>, input: { tenantId: string; conversationId: string; untilMessageId: string }): Promise<Screened | null> {
  const message = await db.selectFrom('messages').select('channel').where('id', '=', input.untilMessageId).executeTakeFirst();
  if (message?.channel !== 'sms' && message?.channel !== 'whatsapp') return null;
  const unknown = await unknownSender(db, input.tenantId, input.conversationId);
  if (!unknown) return null;
  return { kind: 'screened', notice: unknown.writtenToRecently ? null : 'unknownSender' };
}
