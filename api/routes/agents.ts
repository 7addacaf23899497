import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import type { ConversationEvent } from '../../db/events';

const keepAliveMs = 15_000;

/** Who the token belongs to, and the live stream of changes in that agent's tenant. */
export function agentRoutes({ db, events }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  app.get('/me', (c) => {
    const agent = c.get('agent');
    return c.json({ id: agent.id, name: agent.name, tenantId: agent.tenant_id });
  });

  /** Server-sent events: `handoff` and `message` changes of the agent's tenant, fed by Postgres LISTEN/NOTIFY. */
  app.get('/events', (c) => {
    const tenantId = c.get('agent').tenant_id;
    return streamSSE(c, async (stream) => {
      const queue: ConversationEvent[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = events.subscribeTenant(tenantId, (event) => {
        queue.push(event);
        wake?.();
      });
      stream.onAbort(() => {
        unsubscribe();
        wake?.();
      });
      await stream.writeSSE({ event: 'ready', data: '{}' });
      while (!stream.aborted) {
        const event = queue.shift();
        if (event) {
          await stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, keepAliveMs);
        });
        wake = null;
        if (queue.length === 0 && !stream.aborted) await stream.writeSSE({ event: 'ping', data: '{}' });
      }
      unsubscribe();
    });
  });

  return app;
}
