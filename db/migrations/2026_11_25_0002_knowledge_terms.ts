import { sql, type Kysely } from 'kysely';

/**
 * The words of each tenant's knowledge base, so a question's misspelt words ("delivry") can be read as the words the
 * documents use (by edit distance, fuzzystrmatch) before the full-text search runs.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists fuzzystrmatch`.execute(db);
  await db.schema
    .createTable('knowledge_terms')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('term', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('knowledge_terms_pkey', ['tenant_id', 'term'])
    .execute();
  await sql`
    insert into knowledge_terms (tenant_id, term)
    select distinct c.tenant_id, w.term
    from knowledge_chunks c, regexp_split_to_table(lower(c.content), '[^[:alnum:]]+') as w(term)
    where length(w.term) >= 3
    on conflict do nothing
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('knowledge_terms').execute();
}
