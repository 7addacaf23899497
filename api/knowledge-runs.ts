import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { finishIngestRun, stageIngest, type StagedItem } from '../db/repositories/knowledge-ingests';
import type { Database } from '../db/schema';
import type { knowledgeIngestWorkflow } from '../workflows/knowledge-ingest';

/** Documents per activity in an ingestion run. */
export const ingestBatchSize = 10;

export const knowledgeIngestWorkflowId = (ingestId: string) => `knowledge-ingest-${ingestId}`;

/**
 * Stages the documents, then starts the run's workflow, which ingests them (`npm run kb -- ingest`, and the API's
 * uploads of several documents). Returns the run's id; its progress is read with `ingestProgress`.
 */
export async function startIngest(
  db: Kysely<Database>,
  temporal: Client,
  taskQueue: string,
  run: { tenantId: string; items: readonly StagedItem[]; prunePrefix?: string | null },
): Promise<string> {
  const ingestId = await stageIngest(db, run);
  try {
    await temporal.workflow.start<typeof knowledgeIngestWorkflow>('knowledgeIngestWorkflow', {
      workflowId: knowledgeIngestWorkflowId(ingestId),
      taskQueue,
      args: [{ ingestId, tenantId: run.tenantId, total: run.items.length, batchSize: ingestBatchSize }],
      memo: { tenantId: run.tenantId, documents: run.items.length },
    });
  } catch (error) {
    // A run that never started is over, not running forever.
    await finishIngestRun(db, ingestId, { error: `not started: ${(error as Error).message}` });
    throw error;
  }
  return ingestId;
}
