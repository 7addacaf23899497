import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { relayEvents } from '../sse';
import { budgetOf } from '../../db/repositories/usage';
import { catchUpLimit, eventsSince, type LoggedEvent } from '../../db/events';
import { agentSecurity, declaredRoutes, errorAnswers, jsonAnswer } from '../openapi';
import type { AgentView } from '../protocol/agent-api';
import { agentViewSchema } from '../protocol/agent-schemas';

/** Who the token belongs to, and the live stream of changes in that agent's tenant. */
export function agentRoutes({ db, events }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));
  const tags = ['Agents'];

  app.openapi(
    createRoute({ method: 'get', path: '/me', summary: 'Whose token this is', tags, security: agentSecurity, responses: { 200: jsonAnswer(agentViewSchema, 'The agent, and the tenant\'s budget.'), ...errorAnswers(401) } }),
    async (c) => {
      const agent = c.get('agent');
      const budget = await budgetOf(db, agent.tenant_id);
      return c.json({ id: agent.id, name: agent.name, tenantId: agent.tenant_id, role: agent.role, budget } satisfies AgentView, 200);
    },
  );

  const eventsRoute = createRoute({
    method: 'get',
    path: '/events',
    summary: "The tenant's changes, live (server-sent events)",
    description:
      'Each conversation event under its type\'s name (`message`, `handoff`, `approval`, …), numbered as its SSE `id`; `ready` once live, `reset` when a resumed stream missed too much (reload), `ping` when idle. Resume with `Last-Event-ID` or `?lastEventId=`.',
    tags,
    security: agentSecurity,
    request: { query: z.object({ lastEventId: z.string().regex(/^\d{1,18}$/).optional() }).strict() },
    responses: { 200: { description: 'An event stream that stays open.', content: { 'text/event-stream': { schema: z.string() } } }, ...errorAnswers(400, 401) },
  });

  /**
   * Server-sent events: the conversation events of the agent's tenant (`AgentEvents` in api/protocol/), fed by
   * Postgres LISTEN/NOTIFY. Each kept event carries its number as the SSE id; a stream opened with `Last-Event-ID`
   * (or `?lastEventId=`) first sends what the tenant's log holds after it (or, past `catchUpLimit`, a `reset`: reload),
   * then goes on live, each number once.
   */
  app.openapi(eventsRoute, (c) => {
    const tenantId = c.get('agent').tenant_id;
    const resumeFrom = Number(c.req.header('last-event-id') ?? c.req.valid('query').lastEventId ?? '');
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
