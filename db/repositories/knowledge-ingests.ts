import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

/** A document to stage: its bytes (a file, an upload), or the URL it is fetched from when its turn comes. */
export interface StagedItem {
  source: string;
  kind: string | null;
  title?: string | null;
  url?: string | null;
  bytes?: Uint8Array | null;
}

export interface IngestProgress {
  id: string;
  tenantId: string;
  status: 'running' | 'done' | 'failed';
  total: number;
  /** Documents with an outcome so far. */
  done: number;
  added: number;
  changed: number;
  unchanged: number;
  failed: number;
  /** Each failed document and why. */
  failures: { source: string; reason: string }[];
  /** Documents removed by `--prune` (their sources). */
  pruned: string[];
  error: string | null;
  /** ISO times, so the progress travels as JSON (through Temporal, to the API) unchanged. */
  createdAt: string;
  finishedAt: string | null;
}

/** Stages a run and its documents in one transaction; nothing is ingested until its workflow starts. */
export async function stageIngest(db: Kysely<Database>, run: { tenantId: string; items: readonly StagedItem[]; prunePrefix?: string | null }): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('knowledge_ingests')
      .values({ tenant_id: run.tenantId, total: run.items.length, prune_prefix: run.prunePrefix ?? null })
      .returning('id')
      .executeTakeFirstOrThrow();
    // In slices, so a folder of large files is not one statement of hundreds of megabytes.
    for (let from = 0; from < run.items.length; from += 20) {
      await trx
        .insertInto('knowledge_ingest_items')
        .values(
          run.items.slice(from, from + 20).map((item, i) => ({
            ingest_id: id,
            position: from + i,
            source: item.source,
            kind: item.kind,
            title: item.title ?? null,
            url: item.url ?? null,
            bytes: item.bytes ? Buffer.from(item.bytes) : null,
          })),
        )
        .execute();
    }
    return id;
  });
}

/** The run's documents in positions [from, to) that have no outcome yet. */
export async function pendingItems(db: Kysely<Database>, ingestId: string, from: number, to: number) {
  return db
    .selectFrom('knowledge_ingest_items')
    .select(['position', 'source', 'kind', 'title', 'url', 'bytes'])
    .where('ingest_id', '=', ingestId)
    .where('position', '>=', from)
    .where('position', '<', to)
    .where('outcome', 'is', null)
    .orderBy('position')
    .execute();
}

/** A document's outcome; its bytes are no longer needed. */
export async function recordItemOutcome(
  db: Kysely<Database>,
  ingestId: string,
  position: number,
  outcome: { outcome: string; reason?: string | null; documentId?: string | null; chunks?: number | null },
): Promise<void> {
  await db
    .updateTable('knowledge_ingest_items')
    .set({ outcome: outcome.outcome, reason: outcome.reason ?? null, document_id: outcome.documentId ?? null, chunks: outcome.chunks ?? null, bytes: null })
    .where('ingest_id', '=', ingestId)
    .where('position', '=', position)
    .execute();
}

export async function ingestRun(db: Kysely<Database>, ingestId: string) {
  return db.selectFrom('knowledge_ingests').selectAll().where('id', '=', ingestId).executeTakeFirst();
}

/** Every source the run lists, whatever became of it: a file that failed to parse still exists, and is not pruned. */
export async function ingestSources(db: Kysely<Database>, ingestId: string): Promise<string[]> {
  const rows = await db.selectFrom('knowledge_ingest_items').select('source').where('ingest_id', '=', ingestId).execute();
  return rows.map((r) => r.source);
}

export async function finishIngestRun(db: Kysely<Database>, ingestId: string, ended: { pruned?: string[]; error?: string }): Promise<void> {
  await db
    .updateTable('knowledge_ingests')
    .set({ status: ended.error ? 'failed' : 'done', pruned: ended.pruned ?? [], error: ended.error ?? null, finished_at: sql`now()` })
    .where('id', '=', ingestId)
    .where('status', '=', 'running')
    .execute();
}

/** Where a run stands: counts by outcome, the failures with their reasons, what was pruned. */
export async function ingestProgress(db: Kysely<Database>, tenantId: string, ingestId: string): Promise<IngestProgress | undefined> {
  const run = await db.selectFrom('knowledge_ingests').selectAll().where('id', '=', ingestId).where('tenant_id', '=', tenantId).executeTakeFirst();
  if (!run) return undefined;
  const counts = await db
    .selectFrom('knowledge_ingest_items')
    .select(['outcome', (eb) => eb.fn.countAll<string>().as('n')])
    .where('ingest_id', '=', ingestId)
    .where('outcome', 'is not', null)
    .groupBy('outcome')
    .execute();
  const count = (outcome: string) => Number(counts.find((c) => c.outcome === outcome)?.n ?? 0);
  const failures = await db
    .selectFrom('knowledge_ingest_items')
    .select(['source', 'reason'])
    .where('ingest_id', '=', ingestId)
    .where('outcome', '=', 'failed')
    .orderBy('position')
    .execute();
  return {
    id: run.id,
    tenantId: run.tenant_id,
    status: run.status as IngestProgress['status'],
    total: run.total,
    done: counts.reduce((sum, c) => sum + Number(c.n), 0),
    added: count('added'),
    changed: count('changed'),
    unchanged: count('unchanged'),
    failed: count('failed'),
    failures: failures.map((f) => ({ source: f.source, reason: f.reason ?? 'unknown' })),
    pruned: run.pruned,
    error: run.error,
    createdAt: run.created_at.toISOString(),
    finishedAt: run.finished_at?.toISOString() ?? null,
  };
}
