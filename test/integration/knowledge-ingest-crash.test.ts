import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestBatchSize, startIngest } from '../../api/knowledge-runs';
import { ingestProgress, type IngestProgress } from '../../db/repositories/knowledge-ingests';
import { startStack, type Stack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

/**
 * An ingestion run survives its worker: killed (SIGKILL) part-way, the run goes on on another worker from the
 * document it was on, and every document is added exactly once, counted once.
 */
let stack: Stack;
const workers: WorkerProcess[] = [];
const embeddings = { EMBEDDINGS_MODEL: 'text-embedding-3-small', EMBEDDINGS_DIMENSIONS: '64' };

beforeAll(async () => {
  stack = await startStack(embeddings, { worker: false });
});
afterAll(async () => {
  for (const worker of workers) await worker.kill();
  await stack?.stop();
});

async function progressOf(id: string): Promise<IngestProgress> {
  const progress = await ingestProgress(stack.db, 'default', id);
  if (!progress) throw new Error('no run');
  return progress;
}

async function until(id: string, done: (p: IngestProgress) => boolean, timeoutMs: number): Promise<IngestProgress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const progress = await progressOf(id);
    if (done(progress)) return progress;
    if (Date.now() > deadline) throw new Error(`run at ${JSON.stringify(progress)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('an ingestion run whose worker dies', () => {
  it('resumes on another worker and adds every document once', async () => {
    const total = ingestBatchSize * 2 + 5;
    // Each document takes a moment to embed, so the worker dies with the run under way.
    stack.openai.embeddingDelayMs = 150;
    const items = Array.from({ length: total }, (_, i) => ({
      source: `crash/doc-${i}.md`,
      kind: 'markdown',
      bytes: new TextEncoder().encode(`# Document ${i}\n\nAll about subject ${i}.\n\n## More\n\nDetails on subject ${i}.`),
    }));
    workers.push(await startWorkerProcess(stack.workerEnv(embeddings)));
    const id = await startIngest(stack.db, stack.temporal, stack.config.TEMPORAL_TASK_QUEUE, { tenantId: 'default', items });
    await until(id, (p) => p.done >= 4, 60_000);
    await workers[0]?.kill();
    const atDeath = (await progressOf(id)).done;
    expect(atDeath).toBeLessThan(total);

    workers.push(await startWorkerProcess(stack.workerEnv(embeddings)));
    const finished = await until(id, (p) => p.status !== 'running', 90_000);
    expect(finished).toMatchObject({ status: 'done', total, done: total, added: total, changed: 0, unchanged: 0, failed: 0 });
    const documents = await stack.db.selectFrom('knowledge_documents').select('source').where('source', 'like', 'crash/%').execute();
    expect(documents).toHaveLength(total);
    const chunks = await stack.db
      .selectFrom('knowledge_chunks')
      .innerJoin('knowledge_documents', 'knowledge_documents.id', 'knowledge_chunks.document_id')
      .select(['knowledge_documents.source', 'knowledge_chunks.position'])
      .where('knowledge_documents.source', 'like', 'crash/%')
      .execute();
    // Two sections each, never a passage twice.
    expect(chunks).toHaveLength(total * 2);
  }, 180_000);
});
