import { sql, type Kysely } from 'kysely';

/**
 * A person's approval of one tool call before it runs: bound to the exact tool and arguments (their hash), decided
 * once (approved, denied) or expired, by whom and with what note.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('approvals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('tool', 'text', (c) => c.notNull())
    // json, not jsonb: the arguments are shown to agents in the order the model wrote them.
    .addColumn('arguments', 'json', (c) => c.notNull())
    .addColumn('arguments_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'approved', 'denied', 'expired')`))
    .addColumn('decided_by', 'text')
    .addColumn('note', 'text')
    .addColumn('result', 'jsonb')
    .addColumn('deadline', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('decided_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('approvals_tenant_status').on('approvals').columns(['tenant_id', 'status', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('approvals').execute();
}
