import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Agent, AgentRole, Database } from '../schema';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Creates an agent and returns its bearer token, which is stored only as a hash and cannot be shown again. */
export async function createAgent(
  db: Kysely<Database>,
  agent: { tenantId: string; name: string; role?: AgentRole },
): Promise<{ agent: Agent; token: string }> {
  const token = `agt_${randomBytes(24).toString('base64url')}`;
  const row = await db
    .insertInto('agents')
    .values({ tenant_id: agent.tenantId, name: agent.name, token_hash: hashToken(token), role: agent.role ?? 'agent' })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { agent: row, token };
}

/** The agent the token belongs to; none for a revoked token or a deleted tenant's. */
export async function agentForToken(db: Kysely<Database>, token: string): Promise<Agent | undefined> {
  return db
    .selectFrom('agents')
    .selectAll('agents')
    .where('token_hash', '=', hashToken(token))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('tenants').select('id').whereRef('tenants.id', '=', 'agents.tenant_id').where('tenants.deleted_at', 'is not', null))))
    .executeTakeFirst();
}
