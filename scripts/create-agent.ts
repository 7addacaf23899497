import { parseArgs } from 'node:util';
import { createDb } from '../db/connection';
import { createAgent } from '../db/repositories/agents';
import { getTenant } from '../db/repositories/tenants';

/**
 * Creates an agent and prints its bearer token (shown once; only its hash is stored).
 * Usage: npm run agent:create -- --name "Ada Lovelace" [--tenant default]   (needs DATABASE_URL)
 */
const { values } = parseArgs({ options: { name: { type: 'string' }, tenant: { type: 'string', default: 'default' } } });
const url = process.env.DATABASE_URL;
if (!url || !values.name) {
  console.error('usage: DATABASE_URL=... npm run agent:create -- --name "Ada" [--tenant default]');
  process.exit(2);
}
const db = createDb(url, { max: 1 });
try {
  if (!(await getTenant(db, values.tenant))) {
    console.error(`no tenant ${values.tenant}`);
    process.exitCode = 1;
  } else {
    const { agent, token } = await createAgent(db, { tenantId: values.tenant, name: values.name });
    console.log(`agent ${agent.name} (${agent.id}) of tenant ${agent.tenant_id}`);
    console.log(`token: ${token}`);
  }
} finally {
  await db.destroy();
}
