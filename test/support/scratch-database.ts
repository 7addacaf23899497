import pg from 'pg';
import { createDb } from '../../db/connection';
import { migrateToLatest } from '../../db/migrate';
import { defaultTenantId, upsertTenant } from '../../db/repositories/tenants';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A new, migrated database (with the default tenant) on the PostgreSQL server that `adminUrl` reaches; `drop()`
 * removes it. Tests and benchmarks each make their own, so they never touch a real one.
 */
export async function createScratchDatabase(adminUrl: string, name: string): Promise<ScratchDatabase> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createDb(url.toString(), { max: 1 });
  try {
    await migrateToLatest(db);
    await upsertTenant(db, { id: defaultTenantId, name: 'Default', system_prompt: '' });
  } finally {
    await db.destroy();
  }
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
