import type { Kysely } from 'kysely';

/**
 * The phone number a web visitor gave (or the host page passed): unverified, shown to agents, never used to link.
 * The visitors who proved a number are found by it when an agent opens that person's conversation.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('web_visitors').addColumn('phone', 'text').execute();
  await db.schema.createIndex('web_visitors_linked_phone').on('web_visitors').columns(['tenant_id', 'linked_phone']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('web_visitors_linked_phone').execute();
  await db.schema.alterTable('web_visitors').dropColumn('phone').execute();
}
