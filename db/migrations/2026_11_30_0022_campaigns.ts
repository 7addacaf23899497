import { sql, type Kysely } from 'kysely';

/**
 * Outbound campaigns: a project's first message to a list of people, run by a workflow. Each person is a recipient
 * row, numbered in the order given: invalid numbers and repeats are skipped when the campaign is made, opt-outs when
 * their turn comes; each one sent is an outbox row (`message_id`) whose status tells delivered or failed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('sender', 'text', (c) => c.notNull())
    .addColumn('message', 'jsonb', (c) => c.notNull())
    .addColumn('rate_per_second', 'real', (c) => c.notNull())
    .addColumn('send_at', 'timestamptz', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('scheduled'))
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('campaigns_tenant_created').on('campaigns').columns(['tenant_id', 'created_at']).execute();
  await db.schema
    .createTable('campaign_recipients')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('given', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('name', 'text')
    .addColumn('variables', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('skipped', 'text')
    .addColumn('message_id', 'text')
    .addColumn('conversation_id', 'text')
    .addColumn('sent_at', 'timestamptz')
    .addPrimaryKeyConstraint('campaign_recipients_pkey', ['campaign_id', 'position'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('campaign_recipients').execute();
  await db.schema.dropTable('campaigns').execute();
}
