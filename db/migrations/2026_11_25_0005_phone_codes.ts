import { sql, type Kysely } from 'kysely';

/**
 * A web visitor proving a phone number: the code sent to it by SMS (hashed, short-lived, a few tries), and the
 * number the visitor is linked to once proven. A tenant's own number to text from when the person has not written
 * to one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('sender_number', 'text').execute();
  await db.schema.alterTable('web_visitors').addColumn('linked_phone', 'text').execute();
  await db.schema
    .createTable('phone_codes')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('web_sessions.id').onDelete('cascade'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('phone_codes').execute();
  await db.schema.alterTable('web_visitors').dropColumn('linked_phone').execute();
  await db.schema.alterTable('tenants').dropColumn('sender_number').execute();
}
