import { sql, type Kysely } from 'kysely';

/**
 * Who a tenant's assistant answers on SMS and WhatsApp: `open` (anyone who writes) or `known_only` (people the business
 * has written to; anyone else is recorded, listed to agents and answered once a day with the `unknownSender` text).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('tenants')
    .addColumn('inbound_policy', 'text', (c) => c.notNull().defaultTo('open').check(sql`inbound_policy in ('open', 'known_only')`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').dropColumn('inbound_policy').execute();
}
