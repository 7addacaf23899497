import { sql, type Kysely } from 'kysely';

/**
 * Every code sent to a number and every wrong code typed for it, across sessions: what bounds how often one number
 * can be texted and how many guesses its conversation can take, whoever asks.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('phone_code_tries')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('phone', 'text', (c) => c.notNull())
    /** `sent` or `wrong`. */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('phone_code_tries_number').on('phone_code_tries').columns(['tenant_id', 'phone', 'kind', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('phone_code_tries').execute();
}
