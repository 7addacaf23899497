import { sql, type Kysely } from 'kysely';

/**
 * A tenant's own credentials (its Twilio auth token), sealed with SECRETS_KEY and kept apart from the tenant's row,
 * so nothing that reads a tenant reads them. The key id is kept with each secret for key rotation. The tenant's own
 * Twilio Account SID is an identifier, not a secret: it stays on the tenant.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('twilio_account_sid', 'text').execute();
  await db.schema
    .createTable('tenant_secrets')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('tenant_secrets_pkey', ['tenant_id', 'name'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tenant_secrets').execute();
  await db.schema.alterTable('tenants').dropColumn('twilio_account_sid').execute();
}
