import { sql, type Kysely } from 'kysely';

/**
 * What the model costs: every call (a reply, a tool round, a summary) with its tokens, latency and price; which
 * model wrote each reply; and a tenant's monthly token budget.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('model_calls')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text')
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('prompt_tokens', 'integer', (c) => c.notNull())
    .addColumn('completion_tokens', 'integer', (c) => c.notNull())
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('cost_usd', sql`numeric(14, 8)`, (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('model_calls_tenant_created').on('model_calls').columns(['tenant_id', 'created_at']).execute();
  await db.schema.createIndex('model_calls_conversation').on('model_calls').columns(['conversation_id']).execute();

  await db.schema
    .alterTable('tenants')
    .addColumn('monthly_token_budget', 'bigint', (c) => c.check(sql`monthly_token_budget > 0`))
    .execute();
  await db.schema.alterTable('messages').addColumn('model', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('model').execute();
  await db.schema.alterTable('tenants').dropColumn('monthly_token_budget').execute();
  await db.schema.dropTable('model_calls').execute();
}
