import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import type { Config } from '../config';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface ConversationWorker {
  worker: Worker;
  connection: NativeConnection;
}

/** The Temporal worker that runs conversation workflows and their activities on TEMPORAL_TASK_QUEUE. */
export async function createConversationWorker(
  config: Config,
  address: string,
  deps: ActivityDeps,
  options: Pick<WorkerOptions, 'workflowBundle' | 'maxCachedWorkflows'> = {},
): Promise<ConversationWorker> {
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: createActivities(deps),
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
  return { worker, connection };
}
