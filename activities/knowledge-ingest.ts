import { heartbeating } from './heartbeat';
import type { ActivityDeps } from './deps';
import { fetchPage, PageUnavailableError } from './knowledge/fetch-page';
import { ingestDocument, type IngestOutcome } from './knowledge/ingest-document';
import { kindOfContentType } from './knowledge/parse';
import type { DocumentKind } from '../domain/knowledge/sections';
import { pruneDocuments } from '../db/repositories/knowledge';
import {
  finishIngestRun,
  ingestProgress,
  ingestRun,
  ingestSources,
  pendingItems,
  recordItemOutcome,
  type IngestProgress,
} from '../db/repositories/knowledge-ingests';

export interface IngestBatchInput {
  ingestId: string;
  tenantId: string;
  /** Positions [from, to) of the run's documents. */
  from: number;
  to: number;
}

export function knowledgeIngestActivities({ db, embedder, knowledge }: Pick<ActivityDeps, 'db' | 'embedder' | 'knowledge'>) {
  /** A staged document's bytes: its own, or its page's, fetched now. */
  async function contentOf(item: Awaited<ReturnType<typeof pendingItems>>[number], signal: AbortSignal) {
    if (item.bytes) return { bytes: new Uint8Array(item.bytes), kind: item.kind as DocumentKind | null, url: item.url };
    const page = await fetchPage(item.url ?? item.source, { allowPrivateUrls: knowledge.allowPrivateUrls, signal });
    return { bytes: page.bytes, kind: kindOfContentType(page.contentType, page.url), url: item.url ?? item.source };
  }

  /**
   * The run's documents in [from, to) that have no outcome yet, each recorded as it ends: a retry after a crash
   * takes up where the last one stopped. A document that cannot be read or fetched is a failed outcome with its
   * reason; an embeddings endpoint or database that fails throws, and is retried.
   */
  async function ingestBatch(input: IngestBatchInput, signal: AbortSignal): Promise<IngestProgress> {
    for (const item of await pendingItems(db, input.ingestId, input.from, input.to)) {
      // A document saved is recorded as such in the same transaction: a worker that dies between the two cannot
      // leave it saved and unrecorded, to be counted "unchanged" by the retry.
      const record = (trx: typeof db, outcome: IngestOutcome) =>
        recordItemOutcome(
          trx,
          input.ingestId,
          item.position,
          outcome.outcome === 'failed' ? outcome : { outcome: outcome.outcome, documentId: outcome.documentId, chunks: outcome.chunks },
        );
      let outcome: IngestOutcome;
      try {
        const content = await contentOf(item, signal);
        outcome = content.kind
          ? await ingestDocument(
              db,
              embedder,
              { tenantId: input.tenantId, source: item.source, kind: content.kind, bytes: content.bytes, title: item.title ?? undefined, url: content.url },
              signal,
              record,
            )
          : { source: item.source, outcome: 'failed', reason: 'not a document type that can be read (Markdown, text, HTML or PDF)' };
      } catch (error) {
        if (!(error instanceof PageUnavailableError)) throw error;
        outcome = { source: item.source, outcome: 'failed', reason: error.message };
      }
      if (outcome.outcome === 'unchanged' || outcome.outcome === 'failed') await record(db, outcome);
    }
    const progress = await ingestProgress(db, input.tenantId, input.ingestId);
    if (!progress) throw new Error(`no ingestion run ${input.ingestId}`);
    return progress;
  }

  return {
    /** A batch of a run (see `ingestBatch`), heartbeating every second: a worker that dies is noticed within seconds. */
    async ingestKnowledgeBatch(input: IngestBatchInput): Promise<IngestProgress> {
      return heartbeating((signal) => ingestBatch(input, signal));
    },

    /** Ends a run: prunes what `--prune` asked for (documents under its folder it does not list) and says what it did. */
    async finishKnowledgeIngest(input: { ingestId: string; tenantId: string; error?: string }): Promise<IngestProgress> {
      const run = await ingestRun(db, input.ingestId);
      if (run?.status === 'running') {
        const pruned = !input.error && run.prune_prefix ? await pruneDocuments(db, input.tenantId, run.prune_prefix, await ingestSources(db, input.ingestId)) : [];
        await finishIngestRun(db, input.ingestId, { pruned, ...(input.error ? { error: input.error } : {}) });
      }
      const progress = await ingestProgress(db, input.tenantId, input.ingestId);
      if (!progress) throw new Error(`no ingestion run ${input.ingestId}`);
      return progress;
    },
  };
}
