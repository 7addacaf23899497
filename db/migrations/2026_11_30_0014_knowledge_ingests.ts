import { sql, type Kysely } from 'kysely';

/**
 * An ingestion run and its documents, staged before the workflow that ingests them starts: each item keeps its bytes
 * (or its URL) until it is ingested, then its outcome. A crashed run resumes with the items that have no outcome.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('knowledge_ingests')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('running'))
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('prune_prefix', 'text')
    .addColumn('pruned', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('knowledge_ingests_tenant').on('knowledge_ingests').columns(['tenant_id', 'created_at']).execute();
  await db.schema
    .createTable('knowledge_ingest_items')
    .addColumn('ingest_id', 'uuid', (c) => c.notNull().references('knowledge_ingests.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('kind', 'text')
    .addColumn('title', 'text')
    .addColumn('url', 'text')
    .addColumn('bytes', 'bytea')
    .addColumn('outcome', 'text')
    .addColumn('reason', 'text')
    .addColumn('document_id', 'uuid')
    .addColumn('chunks', 'integer')
    .addPrimaryKeyConstraint('knowledge_ingest_items_pkey', ['ingest_id', 'position'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('knowledge_ingest_items').execute();
  await db.schema.dropTable('knowledge_ingests').execute();
}
