import { sql, type Kysely } from 'kysely';

/**
 * The words of each tenant's knowledge base, so a question's misspelt words ("delivry") can be read as the words the
 * documents use before the full-text search runs. (Matched by trigrams since 2026_11_30_0013; the edit-distance
 * extension this once created is not in every PostgreSQL build with pgvector.)
 */
export async function up(db: Kysely<any>): Promise<void> {
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
