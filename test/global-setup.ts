import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../devkit/embedded-postgres';
import { startDevServer } from '../devkit/temporal-dev-server';
import { temporalCliPath, temporalTestServerPath } from '../devkit/temporal-binaries';
import { freePort } from './support/ports';
import { createScratchDatabase } from './support/scratch-database';
import type {} from './support/provided';

const machinePostgres = 'postgres://postgres@127.0.0.1:5432/postgres';

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The PostgreSQL server the run creates its database on: TEST_DATABASE_URL (its admin database) when set, else the
 * machine's own on 127.0.0.1:5432 when one answers, else an embedded PostgreSQL started for this run alone.
 */
async function postgresServer(): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  const configured = process.env.TEST_DATABASE_URL;
  if (configured) {
    if (!(await answers(configured))) {
      throw new Error(`TEST_DATABASE_URL (${configured}) does not answer: start that PostgreSQL, or unset TEST_DATABASE_URL to use the machine's own or an embedded one.`);
    }
    return { adminUrl: configured, stop: async () => {} };
  }
  if (await answers(machinePostgres)) return { adminUrl: machinePostgres, stop: async () => {} };
  console.log('No PostgreSQL answers on 127.0.0.1:5432 and TEST_DATABASE_URL is unset: starting an embedded PostgreSQL for this run.');
  const embedded = await startEmbeddedPostgres(join(tmpdir(), `conversations-test-pg-${process.pid}`), await freePort(), {
    persistent: false,
    database: 'scratch',
  });
  return { adminUrl: embedded.adminUrl, stop: embedded.stop };
}

/**
 * Starts what every integration test needs, once per run: a fresh, migrated database and a Temporal dev server with
 * the conversation search attributes.
 */
export default async function setup(project: TestProject) {
  const postgres = await postgresServer();
  const database = await createScratchDatabase(postgres.adminUrl, `conversations_test_${process.pid}`);

  const temporal = await startDevServer({
    cliPath: temporalCliPath(),
    port: await freePort(),
    uiPort: null,
    dbFile: null,
  });

  project.provide('databaseUrl', database.url);
  project.provide('temporalAddress', temporal.address);
  project.provide('testServerPath', temporalTestServerPath());

  return async () => {
    await temporal.stop();
    await database.drop();
    await postgres.stop();
  };
}
