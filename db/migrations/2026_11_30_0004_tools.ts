import { sql, type Kysely } from 'kysely';

/**
 * Tools: which a tenant has turned on, the outcome of every write tool call under the key the workflow gave it (what
 * makes a retried or replayed call return its first outcome instead of acting again), agents who may change a
 * tenant's settings (`admin`), and the tenant's time zone and business facts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tenant_tools')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('tenant_tools_pkey', ['tenant_id', 'name'])
    .execute();

  await db.schema
    .createTable('tool_runs')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('tool', 'text', (c) => c.notNull())
    .addColumn('arguments', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'done')`))
    .addColumn('result', 'jsonb')
    // Messages the call's effect owes someone (a seller told of a lead), sent after it commits and again on a repeat.
    .addColumn('notifications', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('tool_runs_conversation').on('tool_runs').columns(['conversation_id', 'created_at']).execute();

  await db.schema
    .alterTable('agents')
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('agent').check(sql`role in ('agent', 'admin')`))
    .execute();

  await db.schema
    .alterTable('tenants')
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('business_info', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').dropColumn('time_zone').dropColumn('business_info').execute();
  await db.schema.alterTable('agents').dropColumn('role').execute();
  await db.schema.dropTable('tool_runs').execute();
  await db.schema.dropTable('tenant_tools').execute();
}
