import { serve, type ServerType } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import { createConversationWorker } from './conversation-worker';
import { createModels } from './clients';
import { TwilioAccounts } from './twilio-accounts';
import { createEmbedder } from '../activities/knowledge/embeddings';
import { installSdkLogging } from './sdk-logging';
import type { Server } from 'node:http';
import { createApp } from '../api/app';
import { attachRelaySocket } from '../api/relay/socket';
import { createConversationClient } from '../api/conversation-client';
import type { Config } from '../config';
import type { Logger } from '../config/logger';
import { createDb } from '../db/connection';
import { EventBus } from '../db/events';
import { migrateToLatest } from '../db/migrate';
import { defaultTenantId, upsertTenant } from '../db/repositories/tenants';
import { sealTenantSecrets } from './seal-secrets';

export interface RunningService {
  /** null when this process runs no API. */
  apiUrl: string | null;
  stop(): Promise<void>;
}

export interface ServiceOptions extends Pick<WorkerOptions, 'workflowBundle' | 'maxCachedWorkflows'> {
  /** Which halves run in this process; both by default. They are stateless and scale separately. */
  roles?: { api: boolean; worker: boolean };
}

type ConnectedConfig = Config & { DATABASE_URL: string; TEMPORAL_ADDRESS: string };

/** Runs the API and/or the Temporal worker against an existing Postgres and Temporal. */
export async function startService(config: ConnectedConfig, log: Logger, options: ServiceOptions = {}): Promise<RunningService> {
  const roles = options.roles ?? { api: true, worker: true };
  installSdkLogging(config.LOG_LEVEL);
  const db = createDb(config.DATABASE_URL);
  await migrateToLatest(db);
  await upsertTenant(db, { id: defaultTenantId, name: 'Default', system_prompt: '' });
  await sealTenantSecrets(db, config.SECRETS_KEY, log);
  const stops: (() => Promise<void>)[] = [() => db.destroy()];

  if (roles.worker) {
    const models = createModels(config, db);
    if (!models) log.info('OPENAI_API_KEY is not set: replies come from the knowledge base (extractive responder)');
    const { worker, connection } = await createConversationWorker(
      config,
      config.TEMPORAL_ADDRESS,
      {
        db,
        twilioAccounts: new TwilioAccounts(db, config, 5_000),
        models,
        embedder: createEmbedder(config),
        tools: { allowPrivateUrls: config.TOOLS_ALLOW_PRIVATE_URLS, secrets: config.SECRETS_KEY },
        knowledge: { allowPrivateUrls: config.KNOWLEDGE_ALLOW_PRIVATE_URLS },
        llm: { contextTokens: config.LLM_CONTEXT_TOKENS, offlineWordMs: Math.round(60_000 / config.OFFLINE_WORDS_PER_MINUTE) },
        statusCallbackUrl: `${config.PUBLIC_BASE_URL}/webhooks/twilio/status`,
        voiceUrls: {
          answer: `${config.PUBLIC_BASE_URL}/webhooks/twilio/voice`,
          status: `${config.PUBLIC_BASE_URL}/webhooks/twilio/voice/status`,
        },
      },
      { maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS, ...options },
    );
    const running = worker.run();
    stops.unshift(async () => {
      // The SDK already drains the worker on SIGINT/SIGTERM; shut it down only if nothing else has.
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    });
  }

  let apiUrl: string | null = null;
  if (roles.api) {
    const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    const events = new EventBus(config.DATABASE_URL);
    const conversations = createConversationClient(temporal, config);
    const twilioAccounts = new TwilioAccounts(db, config);
    const server = await listen(createApp({ config, db, temporal, conversations, log, events, embedder: createEmbedder(config), twilioAccounts }).fetch, config.PORT);
    const relay = attachRelaySocket(server as Server, config, twilioAccounts, { db, events, conversations, log });
    const address = server.address();
    apiUrl = `http://localhost:${typeof address === 'object' && address ? address.port : config.PORT}`;
    stops.unshift(async () => {
      await relay.close();
      // Open SSE streams would keep close() waiting forever.
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await events.close();
      await connection.close();
    });
  }

  return {
    apiUrl,
    async stop() {
      for (const stop of stops) await stop();
    },
  };
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    // A request line may carry an inbox filter of 200 conversation ids (about 25 kB): more than Node's default 16 kB.
    const server = serve({ fetch, port, hostname: '0.0.0.0', serverOptions: { maxHeaderSize: 64 * 1024 } }, () => resolve(server));
    server.once('error', reject);
  });
}
