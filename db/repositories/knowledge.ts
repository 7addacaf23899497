import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

/** A document as ingestion hands it over: parsed, fingerprinted, keyed by where it came from. */
export interface DocumentInput {
  tenantId: string;
  source: string;
  title: string;
  url: string | null;
  kind: string;
  body: string;
  fingerprint: string;
}

/** A passage ready to store: its headings, its text, and its vector when an embeddings endpoint made one. */
export interface ChunkInput {
  section: string;
  content: string;
  embedding?: number[] | null;
}

export interface KnowledgeDocument {
  id: string;
  source: string;
  title: string;
  url: string | null;
  kind: string;
  chunks: number;
  createdAt: Date;
  updatedAt: Date;
}

/** The words of a text, lower case: what a question is made of and what the typo matcher knows. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** pgvector's text form of a vector. */
export function vectorText(values: readonly number[]): string {
  return `[${values.join(',')}]`;
}

/** The tenant's document from `source`, with the fingerprint it was stored with, if there is one. */
export async function documentFromSource(db: Kysely<Database>, tenantId: string, source: string): Promise<{ id: string; fingerprint: string | null } | undefined> {
  return db
    .selectFrom('knowledge_documents')
    .select(['id', 'fingerprint'])
    .where('tenant_id', '=', tenantId)
    .where('source', '=', source)
    .executeTakeFirst();
}

/**
 * Stores a document and its passages in one transaction: a document already kept from the same source has its
 * passages replaced only here, once the new ones are built (and embedded), so a search sees the old ones or the new
 * ones, never neither.
 */
export async function saveDocument(
  db: Kysely<Database>,
  document: DocumentInput,
  chunks: readonly ChunkInput[],
  embeddingModel: string | null,
  /** Runs in the same transaction once the document is saved: what else must land with it, or not at all. */
  alongside?: (trx: Kysely<Database>, saved: { id: string; outcome: 'added' | 'changed' }) => Promise<void>,
): Promise<{ id: string; outcome: 'added' | 'changed' }> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('knowledge_documents')
      .select('id')
      .where('tenant_id', '=', document.tenantId)
      .where('source', '=', document.source)
      .forUpdate()
      .executeTakeFirst();
    const fields = { title: document.title, url: document.url, kind: document.kind, body: document.body, fingerprint: document.fingerprint };
    let id: string;
    if (existing) {
      id = existing.id;
      await trx.updateTable('knowledge_documents').set({ ...fields, updated_at: sql`now()` }).where('id', '=', id).execute();
      await trx.deleteFrom('knowledge_chunks').where('document_id', '=', id).execute();
    } else {
      ({ id } = await trx
        .insertInto('knowledge_documents')
        .values({ tenant_id: document.tenantId, source: document.source, ...fields })
        .returning('id')
        .executeTakeFirstOrThrow());
    }
    // In slices: PostgreSQL takes at most 65,535 parameters a statement, and a long PDF has thousands of passages.
    for (let from = 0; from < chunks.length; from += 500) {
      await trx
        .insertInto('knowledge_chunks')
        .values(
          chunks.slice(from, from + 500).map((chunk, i) => ({
            position: from + i,
            document_id: id,
            tenant_id: document.tenantId,
            section: chunk.section,
            content: chunk.content,
            embedding: chunk.embedding ? vectorText(chunk.embedding) : null,
            embedding_model: chunk.embedding ? embeddingModel : null,
          })),
        )
        .execute();
    }
    const terms = [...new Set(wordsOf(`${document.title} ${chunks.map((c) => c.content).join(' ')}`).filter((w) => w.length >= 3 && w.length <= 40))];
    for (let from = 0; from < terms.length; from += 5000) {
      await trx
        .insertInto('knowledge_terms')
        .values(terms.slice(from, from + 5000).map((term) => ({ tenant_id: document.tenantId, term })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    const saved = { id, outcome: existing ? ('changed' as const) : ('added' as const) };
    await alongside?.(trx, saved);
    return saved;
  });
}

const documentColumns = (db: Kysely<Database>) =>
  db
    .selectFrom('knowledge_documents as d')
    .select((eb) => [
      'd.id',
      'd.source',
      'd.title',
      'd.url',
      'd.kind',
      'd.created_at as createdAt',
      'd.updated_at as updatedAt',
      eb.selectFrom('knowledge_chunks as c').select(eb.fn.countAll<string>().as('n')).whereRef('c.document_id', '=', 'd.id').as('chunks'),
    ]);

function toDocument(row: { id: string; source: string; title: string; url: string | null; kind: string; createdAt: Date; updatedAt: Date; chunks: string | null }): KnowledgeDocument {
  return { ...row, chunks: Number(row.chunks ?? 0) };
}

/** A tenant's documents, newest change first. */
export async function listDocuments(db: Kysely<Database>, tenantId: string, page: { limit: number; offset: number }): Promise<KnowledgeDocument[]> {
  const rows = await documentColumns(db)
    .where('d.tenant_id', '=', tenantId)
    .orderBy('d.updated_at', 'desc')
    .orderBy('d.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return rows.map(toDocument);
}

export async function getDocument(db: Kysely<Database>, tenantId: string, id: string): Promise<KnowledgeDocument | undefined> {
  const row = await documentColumns(db).where('d.tenant_id', '=', tenantId).where('d.id', '=', id).executeTakeFirst();
  return row ? toDocument(row) : undefined;
}

/** Removes a document and its passages; false when the tenant has no such document. */
export async function removeDocument(db: Kysely<Database>, tenantId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('knowledge_documents').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Removes the documents from sources under `prefix` (a folder's key, `docs/`) that are not in `keep`; says which. The
 * empty prefix is the working directory: every relative path, never a URL, an upload or an absolute path.
 */
export async function pruneDocuments(db: Kysely<Database>, tenantId: string, prefix: string, keep: readonly string[]): Promise<string[]> {
  const rows = await db
    .deleteFrom('knowledge_documents')
    .where('tenant_id', '=', tenantId)
    .where(prefix ? sql<boolean>`starts_with(source, ${prefix})` : sql<boolean>`source !~ '^([a-z][a-z0-9+.-]*:|/)'`)
    .where('source', 'not in', keep.length > 0 ? [...keep] : [''])
    .returning('source')
    .execute();
  return rows.map((r) => r.source).sort();
}

/** The titles of a tenant's first documents (what its knowledge base covers), oldest first. */
export async function documentTitles(db: Kysely<Database>, tenantId: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('knowledge_documents').select('title').where('tenant_id', '=', tenantId).orderBy('created_at').limit(limit).execute();
  return rows.map((r) => r.title);
}
