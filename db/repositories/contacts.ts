import type { Kysely } from 'kysely';
import type { Database } from '../schema';

export interface ContactChannel {
  tenantId: string;
  contactKey: string;
  channel: string;
}

export async function ensureContact(
  db: Kysely<Database>,
  contact: { tenantId: string; contactKey: string; phone: string | null },
): Promise<void> {
  await db
    .insertInto('contacts')
    .values({ tenant_id: contact.tenantId, contact_key: contact.contactKey, phone: contact.phone })
    .onConflict((oc) => oc.columns(['tenant_id', 'contact_key']).doNothing())
    .execute();
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

export async function isOptedOut(db: Kysely<Database>, target: ContactChannel): Promise<boolean> {
  const row = await db
    .selectFrom('opt_outs')
    .select('channel')
    .where('tenant_id', '=', target.tenantId)
    .where('contact_key', '=', target.contactKey)
    .where('channel', '=', target.channel)
    .executeTakeFirst();
  return row !== undefined;
}
