import { sql, type Kysely } from 'kysely';

/**
 * Replays of recorded conversations against a changed assistant (`npm run replay`): each run, and each customer turn
 * with its recorded answer beside the variant's.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('replays')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('running'))
    .addColumn('variant', 'jsonb', (c) => c.notNull())
    .addColumn('from_date', 'text', (c) => c.notNull())
    .addColumn('to_date', 'text', (c) => c.notNull())
    .addColumn('judge_model', 'text')
    .addColumn('conversation_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('replays_tenant').on('replays').columns(['tenant_id', 'created_at']).execute();
  await db.schema
    .createTable('replay_turns')
    .addColumn('replay_id', 'uuid', (c) => c.notNull().references('replays.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('asked_at', 'timestamptz', (c) => c.notNull())
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('recorded', 'jsonb', (c) => c.notNull())
    .addColumn('variant', 'jsonb', (c) => c.notNull())
    .addColumn('changed', 'boolean', (c) => c.notNull())
    .addColumn('verdict', 'text')
    .addColumn('verdict_reason', 'text')
    .addPrimaryKeyConstraint('replay_turns_pkey', ['replay_id', 'conversation_id', 'position'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('replay_turns').execute();
  await db.schema.dropTable('replays').execute();
}
