import { ActivityFailure, defineQuery, proxyActivities, setCurrentDetails, setHandler, upsertMemo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { IngestProgress } from '../db/repositories/knowledge-ingests';

export interface KnowledgeIngestInput {
  ingestId: string;
  tenantId: string;
  total: number;
  /** Documents per activity: each batch is one step in the history, and resumes where it stopped. */
  batchSize: number;
}

export const ingestProgressQuery = defineQuery<IngestProgress | null>('progress');

const { ingestKnowledgeBatch } = proxyActivities<Activities>({
  // A batch of documents to read, embed and store; a slow local embedding model takes seconds a document. It
  // heartbeats every second, so an attempt lost with its worker is retried on another within five seconds.
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '5 seconds',
  // Each document's outcome is recorded as it ends, so a retry redoes only the one in progress. An embeddings
  // endpoint or database that stays down fails the run after the last attempt, with the documents done so far kept.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 8 },
});

const { finishKnowledgeIngest } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});

/**
 * One ingestion run (`npm run kb -- ingest`, `POST /api/knowledge/ingests`): its staged documents in batches, one
 * activity each, then its end (prune, summary). Progress shows in the Temporal UI (the run's current details and
 * memo), through the `progress` query, and in the database the API reads.
 */
export async function knowledgeIngestWorkflow(input: KnowledgeIngestInput): Promise<IngestProgress> {
  let progress: IngestProgress | null = null;
  setHandler(ingestProgressQuery, () => progress);
  const show = (done: number) => {
    setCurrentDetails(`${done} of ${input.total} documents ingested`);
    upsertMemo({ progress: { done, total: input.total } });
  };
  show(0);
  try {
    for (let from = 0; from < input.total; from += input.batchSize) {
      progress = await ingestKnowledgeBatch({ ingestId: input.ingestId, tenantId: input.tenantId, from, to: from + input.batchSize });
      show(progress.done);
    }
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    progress = await finishKnowledgeIngest({ ingestId: input.ingestId, tenantId: input.tenantId, error: error.cause?.message ?? error.message });
    return progress;
  }
  progress = await finishKnowledgeIngest({ ingestId: input.ingestId, tenantId: input.tenantId });
  setCurrentDetails(
    `done: ${progress.added} added, ${progress.changed} changed, ${progress.unchanged} unchanged, ${progress.failed} failed, ${progress.pruned.length} pruned`,
  );
  return progress;
}
