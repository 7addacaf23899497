import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';

/**
 * One-time codes that no one reads: a code is derived when it is sent and when it is checked, from its id and a key
 * kept in the database, so neither the outbox, the agents' API nor the workflow's history ever holds it. And the
 * limits that stop a chat from texting codes to many numbers: per session, visitor and address, an hourly budget
 * per tenant, the countries a tenant texts codes to, and each number's cap across tenants.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('service_keys')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('service_keys').values({ name: 'phone-codes', key: randomBytes(32).toString('hex') }).execute();

  // Codes waiting now were kept as hashes of the code itself; they last ten minutes, and the visitor asks again.
  await db.deleteFrom('phone_codes').execute();
  // Codes texted before were kept in the outbox as sent, where agents read them.
  await sql`update messages set body = regexp_replace(body, '^Your chat code is [0-9]{6}[.]', 'Your chat code is ••••••.')
    where direction = 'outbound' and author = 'system' and body ~ '^Your chat code is [0-9]{6}[.]'`.execute(db);
  await db.schema.alterTable('phone_codes').dropColumn('code_hash').execute();
  await db.schema.alterTable('phone_codes').addColumn('code_id', 'text', (c) => c.notNull()).execute();

  await db.schema
    .alterTable('phone_code_tries')
    .addColumn('session_id', 'text')
    .addColumn('visitor_id', 'text')
    .addColumn('address', 'text')
    .execute();
  await db.schema.createIndex('phone_code_tries_tenant').on('phone_code_tries').columns(['tenant_id', 'kind', 'at']).execute();
  await db.schema.createIndex('phone_code_tries_phone').on('phone_code_tries').columns(['phone', 'kind', 'at']).execute();

  await db.schema
    .alterTable('tenants')
    .addColumn('code_countries', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('codes_per_hour', 'integer', (c) => c.notNull().defaultTo(100).check(sql`codes_per_hour >= 0`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').dropColumn('code_countries').dropColumn('codes_per_hour').execute();
  await db.schema.dropIndex('phone_code_tries_phone').execute();
  await db.schema.dropIndex('phone_code_tries_tenant').execute();
  await db.schema.alterTable('phone_code_tries').dropColumn('session_id').dropColumn('visitor_id').dropColumn('address').execute();
  await db.deleteFrom('phone_codes').execute();
  await db.schema.alterTable('phone_codes').dropColumn('code_id').execute();
  await db.schema.alterTable('phone_codes').addColumn('code_hash', 'text', (c) => c.notNull()).execute();
  await db.schema.dropTable('service_keys').execute();
}
