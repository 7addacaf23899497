import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { relayEvents } from '../sse';
import { budgetOf } from '../../db/repositories/usage';
import { catchUpLimit, eventsSince, type LoggedEvent } from '../../db/events';
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

  /**
   * Server-sent events: the conversation events of the agent's tenant (`AgentEvents` in api/protocol/), fed by
   * Postgres LISTEN/NOTIFY. Each kept event carries its number as the SSE id; a stream opened with `Last-Event-ID`
   * (or `?lastEventId=`) first sends what the tenant's log holds after it (or, past `catchUpLimit`, a `reset`: reload),
   * then goes on live, each number once.
   */
  app.get('/events', (c) => {
    const tenantId = c.get('agent').tenant_id;
    const resumeFrom = Number(c.req.header('last-event-id') ?? c.req.query('lastEventId') ?? '');
    return streamSSE(c, async (stream) => {
      /** Numbers sent while catching up: each may come once more live, and is skipped then. */
      const caughtUp = new Set<number>();
      const send = (event: LoggedEvent) =>
        stream.writeSSE({ event: event.type, data: JSON.stringify(event), ...(event.eventId !== undefined ? { id: String(event.eventId) } : {}) });
      const write = async (event: LoggedEvent) => {
        if (event.eventId !== undefined && caughtUp.delete(event.eventId)) return;
        await send(event);
      };
      await relayEvents<LoggedEvent>(
        stream,
        (push) => events.subscribeTenant(tenantId, push),
        write,
        async () => {
          if (Number.isSafeInteger(resumeFrom) && resumeFrom > 0) {
            const missed = await eventsSince(db, tenantId, resumeFrom);
            // More than a catch-up carries (or a log cleared since): the reader reloads what it shows instead.
            if (missed.length >= catchUpLimit) await stream.writeSSE({ event: 'reset', data: '{}' });
            else {
              for (const event of missed) {
                if (event.eventId === resumeFrom || event.eventId === undefined) continue;
                caughtUp.add(event.eventId);
                await send(event);
              }
            }
          }
          await stream.writeSSE({ event: 'ready', data: '{}' });
        },
      );
    });
  });

  return app;
}
