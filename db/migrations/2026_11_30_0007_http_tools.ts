import { sql, type Kysely } from 'kysely';

/**
 * A company's own API declared as a tool, with no code: where to call it, the JSON schema of its arguments, whether
 * it reads or writes and needs a person's approval, and the secret its calls are signed with.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('http_tools')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull().check(sql`method in ('GET', 'POST')`))
    // json, not jsonb: the schema is given to the model as declared, its properties in their order.
    .addColumn('parameters', 'json', (c) => c.notNull())
    .addColumn('effect', 'text', (c) => c.notNull().check(sql`effect in ('read', 'write')`))
    .addColumn('approval', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('http_tools_pkey', ['tenant_id', 'name'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('http_tools').execute();
}
