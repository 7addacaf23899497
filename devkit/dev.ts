import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config';
import { createLogger } from '../config/logger';
import { createDb } from '../db/connection';
import { defaultTenantId } from '../db/repositories/tenants';
import { startService } from '../worker/service';
import { Client, Connection } from '@temporalio/client';
import { seedDemoBusiness } from './demo-business';
import { demoAgentToken, seedDemoKnowledge, setDemoSenderNumber } from './demo-data';
import { reclaimLeftovers, runningStart, StartRecorder } from './dev-processes';
import { sandboxAccountSid, sandboxAuthToken, sandboxServiceNumber } from './twilio-signing';
import { startLocalPostgres } from './local-postgres';
import { portConflicts, type PlannedPort } from './ports';
import { startDevServer } from './temporal-dev-server';
import { embeddingServerPath, MissingToolError, projectRoot, temporalCliPath } from './python-tools';
import { offlineEmbeddingSettings, startEmbeddingServer } from './embedding-server';
import { startTwilioSandbox } from './twilio-sandbox';

/**
 * `npm start`: the whole service on one machine. Uses DATABASE_URL / TEMPORAL_ADDRESS / Twilio credentials when
 * set, and otherwise starts a local PostgreSQL with pgvector, the Temporal dev server (Web UI on :8233) and a local Twilio
 * sandbox that records outbound messages and posts delivery callbacks.
 */
const stops: (() => Promise<void>)[] = [];
const env = { ...process.env };
// On a laptop, a company API tried out as a tool, or a help page to ingest, usually runs on this machine.
env.TOOLS_ALLOW_PRIVATE_URLS ??= 'true';
env.KNOWLEDGE_ALLOW_PRIVATE_URLS ??= 'true';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function configFrom(variables: NodeJS.ProcessEnv): Config {
  try {
    return loadConfig(variables);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

const given = configFrom(env);
// The offset moves the API too, unless PORT says where it goes.
if (given.DEV_PORT_OFFSET > 0 && !env.PORT) env.PORT = String(given.PORT + given.DEV_PORT_OFFSET);
const initial = configFrom(env);
const offset = initial.DEV_PORT_OFFSET;
const ports = { postgres: 54329 + offset, temporal: 7233 + offset, temporalUi: 8233 + offset, sandbox: 3099 + offset, embeddings: 7433 + offset };
const dataDir = resolve(initial.DEV_DATA_DIR ?? join(projectRoot, '.data'));
const record = new StartRecorder(dataDir);
const log = createLogger(initial.LOG_LEVEL);
const lines: string[] = [];

let stopped: Promise<void> | undefined;
/** Once, whoever asks first (a signal, a failed start). The record goes only once everything it names has stopped. */
function stopAll(): Promise<void> {
  stopped ??= (async () => {
    let failed = false;
    for (const stop of stops) {
      await stop().catch((error: unknown) => {
        failed = true;
        console.error(String(error));
      });
    }
    if (!failed) record.clear();
  })();
  return stopped;
}

// Whatever fails during start-up, the servers already started are stopped rather than left running.
function abort(error: unknown): void {
  if (error instanceof MissingToolError) console.error(error.message);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  void stopAll().finally(() => process.exit(1));
}
process.once('uncaughtException', abort);
process.once('unhandledRejection', abort);

const planned: PlannedPort[] = [{ port: initial.PORT, host: '0.0.0.0', what: 'the API', instead: `PORT=${initial.PORT + 1}` }];
if (!env.DATABASE_URL) {
  planned.push({
    port: ports.postgres,
    host: '127.0.0.1',
    what: 'the local PostgreSQL',
    instead: `DATABASE_URL=postgres://postgres:postgres@127.0.0.1:${ports.postgres}/conversations`,
  });
}
if (!env.TEMPORAL_ADDRESS) {
  planned.push(
    { port: ports.temporal, host: '127.0.0.1', what: 'the Temporal dev server', instead: `TEMPORAL_ADDRESS=127.0.0.1:${ports.temporal}` },
    { port: ports.temporalUi, host: '127.0.0.1', what: 'the Temporal Web UI' },
  );
}
if (!env.EMBEDDINGS_MODEL) {
  planned.push({ port: ports.embeddings, host: '127.0.0.1', what: 'the offline embedding server', instead: 'EMBEDDINGS_MODEL=<a model> (and its EMBEDDINGS_BASE_URL)' });
}
if (!env.TWILIO_ACCOUNT_SID) {
  planned.push({
    port: ports.sandbox,
    host: '127.0.0.1',
    what: 'the local Twilio sandbox',
    instead: `TWILIO_ACCOUNT_SID=${sandboxAccountSid} TWILIO_AUTH_TOKEN=${sandboxAuthToken} TWILIO_API_BASE_URL=http://127.0.0.1:${ports.sandbox}`,
  });
}
// What an earlier start left running holds these ports and this data; a start that still runs keeps its own.
await reclaimLeftovers(dataDir, (line) => console.log(line));
const running = runningStart(dataDir);
const conflict = await portConflicts(planned.filter((p) => p.port > 0), running);
if (conflict) fail(conflict);
// On other ports (DEV_PORT_OFFSET), the servers would still meet on the data a running start holds.
if (running && (!env.DATABASE_URL || !env.TEMPORAL_ADDRESS)) {
  fail(`Cannot start: the \`npm start\` running as pid ${running.pid} uses ${dataDir}. Stop it, or give this one a folder of its own: DEV_DATA_DIR=<folder> npm start`);
}

if (!env.DATABASE_URL) {
  // PostgreSQL 18 with pgvector: the folder's name says so, since data of another major version does not start.
  const postgres = await startLocalPostgres(join(dataDir, 'postgres-18'), ports.postgres);
  stops.unshift(postgres.stop);
  // SIGINT is PostgreSQL's fast shutdown, which leaves its data consistent; SIGQUIT its immediate one, which
  // recovers on the next start.
  record.add({ what: 'the local PostgreSQL', pid: postgres.pid, ports: [ports.postgres], stopSignals: ['SIGINT', 'SIGQUIT'] });
  env.DATABASE_URL = postgres.url;
  lines.push(`Postgres (local, pgvector): ${postgres.url}`);
}

if (!env.TEMPORAL_ADDRESS) {
  const temporal = await startDevServer({
    cliPath: temporalCliPath(env.TEMPORAL_CLI),
    port: ports.temporal,
    uiPort: ports.temporalUi,
    dbFile: join(dataDir, 'temporal.sqlite'),
    namespace: initial.TEMPORAL_NAMESPACE,
    // So that it outlives a killed start until the next start reclaims it, as PostgreSQL does.
    logFile: join(dataDir, 'temporal.log'),
  });
  stops.unshift(temporal.stop);
  record.add({ what: 'the Temporal dev server', pid: temporal.pid, ports: [ports.temporal, ports.temporalUi], stopSignals: ['SIGTERM', 'SIGKILL'] });
  env.TEMPORAL_ADDRESS = temporal.address;
  lines.push(`Temporal (dev server): ${temporal.address}   Web UI: ${temporal.uiUrl}`);
}

if (!env.EMBEDDINGS_MODEL) {
  const embeddings = await startEmbeddingServer(embeddingServerPath(), ports.embeddings, join(dataDir, 'embeddings.log'));
  stops.unshift(embeddings.stop);
  record.add({ what: 'the offline embedding server', pid: embeddings.pid, ports: [ports.embeddings], stopSignals: ['SIGTERM', 'SIGKILL'] });
  Object.assign(env, offlineEmbeddingSettings, { EMBEDDINGS_BASE_URL: embeddings.url });
  lines.push(`Embeddings (offline, ${offlineEmbeddingSettings.EMBEDDINGS_MODEL}): ${embeddings.url}`);
}

const sandboxed = !env.TWILIO_ACCOUNT_SID;
if (sandboxed) {
  const sandbox = await startTwilioSandbox({ authToken: env.TWILIO_AUTH_TOKEN || sandboxAuthToken, port: ports.sandbox, statusCallbacks: true });
  stops.unshift(sandbox.close);
  env.TWILIO_ACCOUNT_SID = sandbox.accountSid;
  env.TWILIO_AUTH_TOKEN = sandbox.authToken;
  env.TWILIO_API_BASE_URL = sandbox.url;
  lines.push(`Twilio (local sandbox, TWILIO_ACCOUNT_SID unset): ${sandbox.url}   sent: ${sandbox.url}/sandbox/messages`);
}

const config = loadConfig(env);
// For commands run beside this start (npm run kb): the same database, Temporal and embeddings.
record.settings(Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => /^(DATABASE_URL|TEMPORAL_|EMBEDDINGS_|TOOLS_)/.test(entry[0]) && typeof entry[1] === 'string')));
// The service migrates and creates the default tenant; the demo data goes in after it.
const service = await startService({ ...config, DATABASE_URL: env.DATABASE_URL, TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS }, log);
stops.unshift(service.stop);

const db = createDb(env.DATABASE_URL, { max: 1 });
const temporalConnection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
const seeded = await seedDemoKnowledge(db, new Client({ connection: temporalConnection, namespace: config.TEMPORAL_NAMESPACE }), config.TEMPORAL_TASK_QUEUE, defaultTenantId);
await temporalConnection.close();
if (seeded) lines.push(`Knowledge base:       the demo help centre (devkit/demo-knowledge) loads in the background (run ${seeded}): npm run kb -- list`);
const slots = await seedDemoBusiness(db, defaultTenantId);
if (slots > 0) log.info('seeded demo booking slots', { count: slots });
if (sandboxed) await setDemoSenderNumber(db, defaultTenantId, sandboxServiceNumber);
const tokenFile = join(dataDir, 'demo-agent-token');
const token = await demoAgentToken(db, defaultTenantId, tokenFile);
await db.destroy();

console.log(
  [
    '',
    `API:                  ${service.apiUrl ?? ''}   (Twilio webhooks: ${config.PUBLIC_BASE_URL}/webhooks/twilio/messaging)`,
    `Agent console:        ${service.apiUrl ?? ''}/console   demo agent token: ${token}  (kept in ${tokenFile})`,
    `Chat widget demo:     ${service.apiUrl ?? ''}/demo`,
    ...lines,
    `LLM:                  ${config.OPENAI_API_KEY ? `${config.OPENAI_MODEL} at ${config.OPENAI_BASE_URL ?? 'OpenAI'}` : 'none (OPENAI_API_KEY unset): answers from the knowledge base'}`,
    '',
    'Try it:  npm run sms -- +16045550100 "What are your opening hours?"',
    '         npm run call -- +16045550100',
    'Stop:    Ctrl-C',
    '',
  ].join('\n'),
);

let stopping = false;
// SIGHUP: the terminal closed. Its PostgreSQL would take the hang-up for a configuration reload, and run on.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping ...');
    void stopAll().finally(() => process.exit(0));
  });
}
