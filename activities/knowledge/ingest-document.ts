import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { documentFromSource, saveDocument } from '../../db/repositories/knowledge';
import { ensureVectorIndex } from '../../db/repositories/knowledge-search';
import type { Database } from '../../db/schema';
import { chunkDocument, chunkerVersion } from '../../domain/knowledge/chunks';
import { parseDocument, UnreadableDocumentError } from './parse';
import { bodyOf, type DocumentKind } from '../../domain/knowledge/sections';
import type { Embedder } from './embeddings';

/** A document to ingest: its bytes and where they came from (its key); a given title or URL beats what it says. */
export interface SourceDocument {
  tenantId: string;
  source: string;
  kind: DocumentKind;
  bytes: Uint8Array;
  title?: string;
  url?: string | null;
}

export type IngestOutcome =
  | { source: string; outcome: 'added' | 'changed' | 'unchanged'; documentId: string; title: string; chunks: number }
  | { source: string; outcome: 'failed'; reason: string };

/** Dimensions whose HNSW index this process has made sure of. */
const indexed = new Set<number>();

/** What a passage is embedded as: its headings first, so a passage is found by what it is about. */
export function embeddingText(chunk: { section: string; content: string }): string {
  return `Section: ${chunk.section}\n${chunk.content}`;
}

/**
 * Reads, chunks, embeds and stores one document. A document whose fingerprint (its normalised text, title and URL,
 * the chunker's version and the embedding model) is the one stored is left alone: no parsing beyond reading it, no
 * embedding call. A document that cannot be read is a `failed` outcome saying why, and nothing of it is written; an
 * embeddings endpoint that fails throws (worth retrying).
 */
export async function ingestDocument(
  db: Kysely<Database>,
  embedder: Embedder | null,
  document: SourceDocument,
  signal?: AbortSignal,
  /** Written in the transaction that saves the document (an ingestion run's record of it), so both land or neither. */
  alongside?: (trx: Kysely<Database>, outcome: IngestOutcome) => Promise<void>,
): Promise<IngestOutcome> {
  let parsed;
  try {
    parsed = await parseDocument(document.bytes, document.kind, document.title ?? document.source);
  } catch (error) {
    if (error instanceof UnreadableDocumentError) return { source: document.source, outcome: 'failed', reason: error.message };
    throw error;
  }
  const title = (document.title ?? parsed.title).replace(/\s+/g, ' ').trim().slice(0, 300) || document.source;
  const titled = { ...parsed, title };
  const body = bodyOf(titled);
  const url = document.url ?? parsed.url ?? null;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([chunkerVersion, embedder?.model ?? null, title, url, body.replace(/\s+/g, ' ').trim()]))
    .digest('hex');
  const stored = await documentFromSource(db, document.tenantId, document.source);
  const chunks = chunkDocument(titled);
  if (stored?.fingerprint === fingerprint) {
    return { source: document.source, outcome: 'unchanged', documentId: stored.id, title, chunks: chunks.length };
  }
  const vectors = embedder && chunks.length > 0 ? await embedder.embed(chunks.map(embeddingText), 'document', signal) : null;
  const dimensions = vectors?.[0]?.length;
  if (dimensions && !indexed.has(dimensions)) {
    await ensureVectorIndex(db, dimensions);
    indexed.add(dimensions);
  }
  const saved = await saveDocument(
    db,
    { tenantId: document.tenantId, source: document.source, title, url, kind: parsed.kind, body, fingerprint },
    chunks.map((chunk, i) => ({ ...chunk, embedding: vectors?.[i] ?? null })),
    embedder?.model ?? null,
    alongside && ((trx, saved) => alongside(trx, { source: document.source, outcome: saved.outcome, documentId: saved.id, title, chunks: chunks.length })),
  );
  return { source: document.source, outcome: saved.outcome, documentId: saved.id, title, chunks: chunks.length };
}

/** A document given as text (the API's `{ title, url, content }`, seed data): Markdown, keyed by its URL or title. */
export function textDocument(tenantId: string, document: { title: string; body: string; url?: string | null; source?: string }): SourceDocument {
  return {
    tenantId,
    source: document.source ?? document.url ?? `title:${document.title}`,
    kind: 'markdown',
    bytes: new TextEncoder().encode(document.body),
    title: document.title,
    url: document.url ?? null,
  };
}
