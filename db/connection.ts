import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

// Postgres bigint/numeric counts come back as strings by default; counts here fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function createDb(connectionString: string, options: { max?: number } = {}): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5000,
    // A statement that hangs (lock, failover) fails the activity, which Temporal retries.
    statement_timeout: 15_000,
  });
  // A client losing its connection (restart, failover) must not crash the process: the query in flight fails (and
  // its activity retries), the pool drops the client, and the next query connects afresh.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
