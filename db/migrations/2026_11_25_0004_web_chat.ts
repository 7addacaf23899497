import { sql, type Kysely } from 'kysely';

/**
 * Web chat: each tenant's public widget key and the sites allowed to use it; visitors (a secret the visitor's
 * browser keeps, so their history follows them across sessions) and their sessions (a token scoped to one session,
 * renewed by use).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('tenants')
    .addColumn('widget_key', 'text', (c) => c.notNull().unique().defaultTo(sql`'wk_' || replace(gen_random_uuid()::text, '-', '')`))
    .addColumn('allowed_origins', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();

  await db.schema
    .createTable('web_visitors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    // sha256 of the visitor's secret; the secret itself stays in their browser.
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text')
    .addColumn('email', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('web_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('visitor_id', 'text', (c) => c.notNull().references('web_visitors.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('last_active_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('web_sessions').execute();
  await db.schema.dropTable('web_visitors').execute();
  await db.schema.alterTable('tenants').dropColumn('allowed_origins').dropColumn('widget_key').execute();
}
