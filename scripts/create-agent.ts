import { parseArgs } from 'node:util';
import { createDb } from '../db/connection';
import { createAgent } from '../db/repositories/agents';
import { getTenant } from '../db/repositories/tenants';
import { connectionFailure } from './connection-failure';

/**
 * Creates an agent and prints its bearer token (shown once; only its hash is stored).
 * Usage: npm run agent:create -- --name "Ada Lovelace" [--tenant default] [--admin]   (needs DATABASE_URL)
 * An admin agent may also change the tenant's settings (its tools).
 */
const { values } = parseArgs({
  options: { name: { type: 'string' }, tenant: { type: 'string', default: 'default' }, admin: { type: 'boolean', default: false } },
});
const url = process.env.DATABASE_URL;
if (!url || !values.name) {
  console.error('usage: DATABASE_URL=... npm run agent:create -- --name "Ada" [--tenant default] [--admin]');
  process.exit(2);
}
const db = createDb(url, { max: 1 });
try {
  if (!(await getTenant(db, values.tenant))) {
    console.error(`no tenant ${values.tenant}`);
    process.exitCode = 1;
  } else {
    const { agent, token } = await createAgent(db, { tenantId: values.tenant, name: values.name, role: values.admin ? 'admin' : 'agent' });
    console.log(`${agent.role} ${agent.name} (${agent.id}) of tenant ${agent.tenant_id}`);
    console.log(`token: ${token}`);
  }
} catch (error) {
  const problem = inWords(error);
  if (!problem) throw error;
  console.error(problem);
  process.exitCode = 1;
} finally {
  await db.destroy();
}

/** The failures a person can fix, as one line; null for anything else (its stack is worth seeing). */
function inWords(error: unknown): string | null {
  // Named without its password.
  const { host, pathname } = new URL(url ?? '');
  const reason = connectionFailure(error);
  if (reason) return `Cannot reach PostgreSQL at ${host} (${reason}): DATABASE_URL must name a running one (npm start runs its own).`;
  // 42P01, undefined_table: nothing has migrated this database yet.
  if ((error as { code?: unknown }).code === '42P01') {
    return `The database ${host}${pathname} has no tables yet: start the service once (it migrates), or run npm run migrate.`;
  }
  return null;
}
