import { createMiddleware } from 'hono/factory';
import type { Kysely } from 'kysely';
import { HttpError } from './errors';
import { agentForToken } from '../db/repositories/agents';
import type { Agent, Database } from '../db/schema';

export type AgentEnv = { Variables: { agent: Agent } };

/** Agents authenticate with `Authorization: Bearer <token>`; every agent route is scoped to the agent's tenant. */
export function requireAgent(db: Kysely<Database>) {
  return createMiddleware<AgentEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new HttpError(401, 'unauthorized', 'an agent bearer token is required');
    const agent = await agentForToken(db, match[1]);
    if (!agent) throw new HttpError(401, 'unauthorized', 'unknown or revoked agent token');
    c.set('agent', agent);
    await next();
  });
}

/** After `requireAgent`: the agent may change the tenant's settings. */
export const requireAdmin = createMiddleware<AgentEnv>(async (c, next) => {
  if (c.get('agent').role !== 'admin') throw new HttpError(403, 'forbidden', 'only an admin agent may change the tenant\'s settings');
  await next();
});
