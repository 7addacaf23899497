import { serve, type ServerType } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, type WorkerOptions } from '@temporalio/worker';
import { createConversationWorker } from './conversation-worker';
import { createOpenAIClient, createTwilioClient } from './clients';
import { createApp } from '../api/app';
import type { Config } from '../config';
import type { Logger } from '../config/logger';
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { defaultTenantId, upsertTenant } from '../db/repositories/tenants';

export interface RunningService {
  apiUrl: string;
  stop(): Promise<void>;
}

/**
 * Runs the API and the Temporal worker in one process against an existing Postgres and Temporal. Both halves are
 * stateless and can also run as many copies as the load needs.
 */
export async function startService(
  config: Config & { DATABASE_URL: string; TEMPORAL_ADDRESS: string },
  log: Logger,
  options: Pick<WorkerOptions, 'workflowBundle' | 'maxCachedWorkflows'> = {},
): Promise<RunningService> {
  installSdkLogging(config.LOG_LEVEL);
  const db = createDb(config.DATABASE_URL);
  await migrateToLatest(db);
  await upsertTenant(db, { id: defaultTenantId, name: 'Default', system_prompt: '', help_text: '' });

  const openai = createOpenAIClient(config);
  if (!openai) log.info('OPENAI_API_KEY is not set: replies come from the knowledge base (extractive responder)');

  const { worker, connection: workerConnection } = await createConversationWorker(
    config,
    config.TEMPORAL_ADDRESS,
    {
      db,
      twilio: createTwilioClient(config),
      openai,
      llm: { model: config.OPENAI_MODEL, contextTokens: config.LLM_CONTEXT_TOKENS },
      statusCallbackUrl: `${config.PUBLIC_BASE_URL}/webhooks/twilio/status`,
    },
    options,
  );
  const workerDone = worker.run();

  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const app = createApp({ config, db, temporal, log });
  const server = await listen(app.fetch, config.PORT);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;

  return {
    apiUrl: `http://localhost:${port}`,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // The SDK already drains the worker on SIGINT/SIGTERM; shut it down only if nothing else has.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerDone;
      await workerConnection.close();
      await clientConnection.close();
      await db.destroy();
    },
  };
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: '0.0.0.0' }, () => resolve(server));
    server.once('error', reject);
  });
}

const sdkLevels = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' } as const;

/** The Temporal SDK logs at LOG_LEVEL too. The runtime is process-wide and can be installed once. */
function installSdkLogging(level: Config['LOG_LEVEL']): void {
  try {
    Runtime.install({ logger: new DefaultLogger(sdkLevels[level]) });
  } catch {
    // Already installed by an earlier service in this process.
  }
}
