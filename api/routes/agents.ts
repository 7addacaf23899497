import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { relayEvents } from '../sse';
import { budgetOf } from '../../db/repositories/usage';
import type { ConversationEvent } from '../../db/events';
import type { AgentView } from '../protocol/agent-api';

/** Who the token belongs to, and the live stream of changes in that agent's tenant. */
export function agentRoutes({ db, events }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  app.get('/me', async (c) => {
    const agent = c.get('agent');
    const budget = await budgetOf(db, agent.tenant_id);
    return c.json({ id: agent.id, name: agent.name, tenantId: agent.tenant_id, role: agent.role, budget } satisfies AgentView);
  });

  /** Server-sent events: the conversation events of the agent's tenant (`AgentEvents` in api/protocol/), fed by Postgres LISTEN/NOTIFY. */
  app.get('/events', (c) => {
    const tenantId = c.get('agent').tenant_id;
    return streamSSE(c, async (stream) => {
      await relayEvents<ConversationEvent>(
        stream,
        (push) => events.subscribeTenant(tenantId, push),
        (event) => stream.writeSSE({ event: event.type, data: JSON.stringify(event) }),
        () => stream.writeSSE({ event: 'ready', data: '{}' }),
      );
    });
  });

  return app;
}
