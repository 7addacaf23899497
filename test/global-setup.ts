import type { TestProject } from 'vitest/node';
import { startDevServer } from '../devkit/temporal-dev-server';
import { temporalCliPath, temporalTestServerPath } from '../devkit/temporal-binaries';
import { freePort } from './support/ports';
import { createScratchDatabase } from './support/scratch-database';
import type {} from './support/provided';

/**
 * Starts what every integration test needs, once per run: a fresh, migrated database on the machine's PostgreSQL
 * (TEST_DATABASE_URL names the server's admin database; default postgres://postgres@127.0.0.1:5432/postgres) and a
 * Temporal dev server with the conversation search attributes.
 */
export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = await createScratchDatabase(adminUrl, `conversations_test_${process.pid}`);

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
  };
}
