import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema';

export interface ContactChannel {
  tenantId: string;
  contactKey: string;
  channel: string;
}

export async function optOut(db: Kysely<Database>, target: ContactChannel, reason: string): Promise<void> {
  await db
    .insertInto('opt_outs')
    .values({ tenant_id: target.tenantId, contact_key: target.contactKey, channel: target.channel, reason })
    .onConflict((oc) => oc.columns(['tenant_id', 'contact_key', 'channel']).doNothing())
    .execute();
}

export async function optIn(db: Kysely<Database>, target: ContactChannel): Promise<void> {
  await db
    .deleteFrom('opt_outs')
    .where('tenant_id', '=', target.tenantId)
    .where('contact_key', '=', target.contactKey)
    .where('channel', '=', target.channel)
    .execute();
}

/** Whether the contact opted out of the channel, as an expression to read inside another statement. */
export function optedOutExpression(target: ContactChannel): RawBuilder<boolean> {
  return sql<boolean>`exists (
    select 1 from opt_outs
    where tenant_id = ${target.tenantId} and contact_key = ${target.contactKey} and channel = ${target.channel}
  )`;
}

/** What agents keep about a person: the contact panel's editable part. */
export interface ContactFields {
  name?: string | null;
  email?: string | null;
  tags?: string[];
  note?: string | null;
}

/** The person's row, if agents or a proved number made one. */
export async function getContact(db: Kysely<Database>, tenantId: string, contactKey: string) {
  return db.selectFrom('contacts').selectAll().where('tenant_id', '=', tenantId).where('contact_key', '=', contactKey).executeTakeFirst();
}

/** Saves what an agent changed (the fields given; the others stay), making the row on first use. */
export async function saveContact(db: Kysely<Database>, tenantId: string, contactKey: string, fields: ContactFields) {
  const phone = contactKey.startsWith('+') ? contactKey : null;
  return db
    .insertInto('contacts')
    .values({ tenant_id: tenantId, contact_key: contactKey, phone, ...fields })
    .onConflict((oc) => oc.columns(['tenant_id', 'contact_key']).doUpdateSet({ ...fields, updated_at: sql`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The channels the person opted out of, and when. */
export async function optOutsOf(db: Kysely<Database>, tenantId: string, contactKey: string) {
  return db
    .selectFrom('opt_outs')
    .select(['channel', 'reason', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('contact_key', '=', contactKey)
    .orderBy('created_at')
    .execute();
}
