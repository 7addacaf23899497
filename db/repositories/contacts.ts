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
