import { sql, type Kysely } from 'kysely';

/**
 * Documents keyed by their source (a path, a URL, or what an API caller names), with a fingerprint of their content
 * so an unchanged re-ingest costs nothing; chunks that may carry an embedding (pgvector; any dimension, each model's
 * own HNSW index is made when the model is first used); misspelt question words matched to the knowledge base's words
 * by trigrams (pg_trgm).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists vector`.execute(db);
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`drop extension if exists fuzzystrmatch`.execute(db);

  await db.schema
    .alterTable('knowledge_documents')
    .addColumn('source', 'text')
    .addColumn('fingerprint', 'text')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('text'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`update knowledge_documents set source = 'document:' || id`.execute(db);
  await sql`alter table knowledge_documents alter column source set not null`.execute(db);
  await db.schema.createIndex('knowledge_documents_source').unique().on('knowledge_documents').columns(['tenant_id', 'source']).execute();

  await db.schema
    .alterTable('knowledge_chunks')
    .addColumn('embedding', sql`vector`)
    .addColumn('embedding_model', 'text')
    .execute();
  await db.schema.createIndex('knowledge_chunks_document').on('knowledge_chunks').column('document_id').execute();
  await sql`create index knowledge_terms_trigrams on knowledge_terms using gin (term gin_trgm_ops)`.execute(db);
  // Levenshtein distance, for the few words trigrams offer as near a misspelt one.
  await sql`
    create function knowledge_edit_distance(a text, b text) returns integer language plpgsql immutable strict as $$
    declare
      previous integer[];
      current integer[];
    begin
      if length(a) = 0 then return length(b); end if;
      if length(b) = 0 then return length(a); end if;
      previous := array(select generate_series(0, length(b)));
      for i in 1..length(a) loop
        current := array[i];
        for j in 1..length(b) loop
          current := current || least(previous[j + 1] + 1, current[j] + 1,
            previous[j] + case when substr(a, i, 1) = substr(b, j, 1) then 0 else 1 end);
        end loop;
        previous := current;
      end loop;
      return previous[length(b) + 1];
    end $$
  `.execute(db);
  // The passage's headings (`A > B`), shown to the model as `Section: A > B` and searched with the passage.
  await db.schema.alterTable('knowledge_chunks').addColumn('section', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('knowledge_chunks').dropColumn('search').execute();
  await sql`
    alter table knowledge_chunks add column search tsvector
    generated always as (to_tsvector('english', section || ' ' || content)) stored
  `.execute(db);
  await sql`create index knowledge_chunks_search on knowledge_chunks using gin (search)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('knowledge_chunks').dropColumn('search').dropColumn('section').execute();
  await sql`
    alter table knowledge_chunks add column search tsvector generated always as (to_tsvector('english', content)) stored
  `.execute(db);
  await sql`create index knowledge_chunks_search on knowledge_chunks using gin (search)`.execute(db);
  await sql`drop function if exists knowledge_edit_distance(text, text)`.execute(db);
  await sql`drop index if exists knowledge_terms_trigrams`.execute(db);
  await db.schema.dropIndex('knowledge_chunks_document').execute();
  await db.schema.alterTable('knowledge_chunks').dropColumn('embedding').dropColumn('embedding_model').execute();
  await db.schema.dropIndex('knowledge_documents_source').execute();
  await db.schema
    .alterTable('knowledge_documents')
    .dropColumn('source')
    .dropColumn('fingerprint')
    .dropColumn('kind')
    .dropColumn('updated_at')
    .execute();
}
