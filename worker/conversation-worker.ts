import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import type { Config } from '../config';
import { PermanentErrorsInterceptor } from './permanent-errors';

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
    interceptors: { activity: [() => ({ inbound: new PermanentErrorsInterceptor() })] },
    // A conversation's next workflow task goes to the worker that ran its last one. When that worker died (a crash,
    // a kill), the task waits this long before any worker may take it: 3 s instead of the SDK's 10 s, so a reply
    // survives a dead worker within seconds. A busy live worker that misses it only costs the other a replay.
    stickyQueueScheduleToStartTimeout: '3 seconds',
    // Heartbeats carry an activity's cancellation back: sent at most a second apart (not 80 % of the 5 s timeout),
    // a caller's interruption stops the model call within about a second.
    maxHeartbeatThrottleInterval: '1 second',
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    ...(options.maxCachedWorkflows !== undefined ? cacheOptions(options.maxCachedWorkflows) : {}),
  });
  return { worker, connection };
}

/** The SDK's default number of workflow tasks a worker runs at once. */
const defaultConcurrentWorkflowTasks = 40;

/**
 * A workflow cache with headroom: at most a quarter of the cached workflows are mid-task at once. A run whose task
 * waits on a local activity (every message's `recordInbound`) cannot be evicted cleanly; with almost every cache
 * slot held by such runs, an eviction can leave a conversation stuck until its next message.
 */
export function cacheOptions(maxCachedWorkflows: number): Pick<WorkerOptions, 'maxCachedWorkflows' | 'maxConcurrentWorkflowTaskExecutions'> {
  if (maxCachedWorkflows === 0) return { maxCachedWorkflows };
  return {
    maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: Math.max(2, Math.min(defaultConcurrentWorkflowTasks, Math.floor(maxCachedWorkflows / 4))),
  };
}
