import { sql, type Kysely } from 'kysely';

/**
 * A tenant's projects (a campaign, a product line, a brand): what the assistant is told on top of the tenant's
 * prompt, the tools it may use (null: all the tenant's), the number its outreach is sent from and its own texts. A
 * conversation is in the project whose outreach reached the person last, until a run that answered them ends.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prompt_addition', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('sender_number', 'text')
    .addColumn('tools', sql`text[]`)
    .addColumn('texts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('projects_tenant_name').unique().on('projects').columns(['tenant_id', 'name']).execute();
  await db.schema
    .alterTable('conversations')
    .addColumn('project_id', 'text', (c) => c.references('projects.id'))
    .addColumn('project_since', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('project_id').dropColumn('project_since').execute();
  await db.schema.dropTable('projects').execute();
}
