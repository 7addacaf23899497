import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import pg from 'pg';
import { workflowsPath } from '../worker/conversation-worker';
import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres } from '../devkit/local-postgres';
import { startDevServer } from '../devkit/temporal-dev-server';
import { temporalCliPath, temporalTestServerPath } from '../devkit/python-tools';
import { freePort } from '../devkit/free-port';
import { createScratchDatabase } from './support/scratch-database';
import type {} from './support/provided';

/**
 * The PostgreSQL server the run creates its database on: TEST_DATABASE_URL (its admin database) when set, else a
 * local PostgreSQL with pgvector started for this run alone.
 */
async function postgresServer(): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  const configured = process.env.TEST_DATABASE_URL;
  if (configured) {
    const client = new pg.Client({ connectionString: configured, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      const { rows } = await client.query("select 1 from pg_available_extensions where name in ('vector', 'pg_trgm')");
      if (rows.length < 2) throw new Error(`TEST_DATABASE_URL (${configured}) has no pgvector or pg_trgm: the knowledge base needs both (the pgvector/pgvector image has them).`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('TEST_DATABASE_URL')) throw error;
      throw new Error(`TEST_DATABASE_URL (${configured}) does not answer: start that PostgreSQL, or unset TEST_DATABASE_URL to use a local one.`);
    } finally {
      await client.end().catch(() => undefined);
    }
    return { adminUrl: configured, stop: async () => {} };
  }
  return startThrowawayPostgres('conversations-test');
}

/**
 * A Temporal dev server on a free port; tried again on another when it exits at start (another process on this
 * machine took the port between its choosing and the server's binding).
 */
async function temporalDevServer(attempts = 3): ReturnType<typeof startDevServer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startDevServer({ cliPath: temporalCliPath(), port: await freePort(), uiPort: null, dbFile: null });
    } catch (error) {
      if (attempt >= attempts || !(error instanceof Error) || !error.message.startsWith('temporal dev server exited')) throw error;
    }
  }
}

/**
 * Starts what every integration test needs, once per run: a fresh, migrated database and a Temporal dev server with
 * the conversation search attributes.
 */
export default async function setup(project: TestProject) {
  const postgres = await postgresServer();
  let database: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let temporal: Awaited<ReturnType<typeof startDevServer>> | undefined;
  try {
    database = await createScratchDatabase(postgres.adminUrl, `conversations_test_${process.pid}`);
    temporal = await temporalDevServer();
  } catch (error) {
    // Nothing this run started outlives a setup that failed half-way.
    await database?.drop().catch(() => undefined);
    await postgres.stop();
    throw error;
  }

  project.provide('databaseUrl', database.url);
  project.provide('temporalAddress', temporal.address);
  project.provide('testServerPath', temporalTestServerPath());
  const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (message: string) => console.error(message) };
  const bundle = await bundleWorkflowCode({ workflowsPath, logger: silent });
  const bundlePath = join(tmpdir(), `conversations-workflows-${process.pid}.js`);
  writeFileSync(bundlePath, bundle.code);
  project.provide('workflowBundlePath', bundlePath);

  return async () => {
    await temporal.stop();
    await database.drop();
    await postgres.stop();
    rmSync(bundlePath, { force: true });
  };
}
