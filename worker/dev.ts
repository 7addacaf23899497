import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../config/logger';
import { createDb } from '../db/connection';
import { createAgent } from '../db/repositories/agents';
import { defaultTenantId } from '../db/repositories/tenants';
import { startFakeTwilio } from '../test/fakes/twilio';
import { seedDemoKnowledge } from './demo-knowledge';
import { startEmbeddedPostgres } from './embedded-postgres';
import { startService } from './service';
import { startDevServer } from './temporal-dev-server';
import { projectRoot, temporalCliPath } from './temporal-binaries';

/**
 * `npm start`: the whole service on one machine. Uses DATABASE_URL / TEMPORAL_ADDRESS / Twilio credentials when
 * set, and otherwise starts an embedded PostgreSQL, the Temporal dev server (Web UI on :8233) and a local Twilio
 * sandbox that records outbound messages.
 */
const dataDir = join(projectRoot, '.data');
const stops: (() => Promise<void>)[] = [];
const env = { ...process.env };

try {
  loadConfig(env);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
const log = createLogger((env.LOG_LEVEL as 'info' | undefined) ?? 'info');
const lines: string[] = [];

async function stopAll(): Promise<void> {
  for (const stop of stops) await stop().catch((error: unknown) => console.error(String(error)));
}

// Whatever fails during start-up, the servers already started are stopped rather than left running.
process.once('uncaughtException', (error) => {
  console.error(error);
  void stopAll().finally(() => process.exit(1));
});
process.once('unhandledRejection', (error) => {
  console.error(error);
  void stopAll().finally(() => process.exit(1));
});

if (!env.DATABASE_URL) {
  const postgres = await startEmbeddedPostgres(dataDir, 54329);
  stops.unshift(postgres.stop);
  env.DATABASE_URL = postgres.url;
  lines.push(`Postgres (embedded):  ${postgres.url}`);
}

if (!env.TEMPORAL_ADDRESS) {
  const temporal = await startDevServer({
    cliPath: temporalCliPath(env.TEMPORAL_CLI),
    port: 7233,
    uiPort: 8233,
    dbFile: join(dataDir, 'temporal.sqlite'),
    namespace: env.TEMPORAL_NAMESPACE || 'default',
  });
  stops.unshift(temporal.stop);
  env.TEMPORAL_ADDRESS = temporal.address;
  lines.push(`Temporal (dev server): ${temporal.address}   Web UI: ${temporal.uiUrl}`);
}

if (!env.TWILIO_ACCOUNT_SID) {
  const sandbox = await startFakeTwilio({ authToken: env.TWILIO_AUTH_TOKEN || 'dev-auth-token', port: 3099 });
  stops.unshift(sandbox.close);
  env.TWILIO_ACCOUNT_SID = sandbox.accountSid;
  env.TWILIO_AUTH_TOKEN = sandbox.authToken;
  env.TWILIO_API_BASE_URL = sandbox.url;
  lines.push(`Twilio (local sandbox, TWILIO_ACCOUNT_SID unset): ${sandbox.url}   sent: ${sandbox.url}/sandbox/messages`);
}

const config = loadConfig(env);
// The service migrates and creates the default tenant; the demo data goes in after it.
const service = await startService({ ...config, DATABASE_URL: env.DATABASE_URL, TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS }, log);
stops.unshift(service.stop);

const db = createDb(env.DATABASE_URL, { max: 1 });
const seeded = await seedDemoKnowledge(db, defaultTenantId);
if (seeded > 0) log.info('seeded demo knowledge documents', { count: seeded });
// A fresh demo agent each start: tokens are stored hashed, so an old one cannot be shown again.
await db.deleteFrom('agents').where('name', '=', 'Demo agent').where('tenant_id', '=', defaultTenantId).execute();
const demo = await createAgent(db, { tenantId: defaultTenantId, name: 'Demo agent' });
await db.destroy();

console.log(
  [
    '',
    `API:                  ${service.apiUrl ?? ''}   (Twilio webhooks: ${config.PUBLIC_BASE_URL}/webhooks/twilio/messaging)`,
    `Agent console:        ${service.apiUrl ?? ''}/console   demo agent token: ${demo.token}`,
    ...lines,
    `LLM:                  ${config.OPENAI_API_KEY ? `${config.OPENAI_MODEL} at ${config.OPENAI_BASE_URL ?? 'OpenAI'}` : 'none (OPENAI_API_KEY unset): answers from the knowledge base'}`,
    '',
    'Try it:  npm run sms -- +16045550100 "What are your opening hours?"',
    'Stop:    Ctrl-C',
    '',
  ].join('\n'),
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping ...');
    void stopAll().finally(() => process.exit(0));
  });
}
