import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { requireAgent, type AgentEnv } from '../auth';
import { agentConversation, conversationIdParam } from '../agent-conversation';
import type { ApiDeps } from '../deps';
import { agentSecurity, declaredRoutes, errorAnswers } from '../openapi';
import { relayEvents } from '../sse';
import type { BusEvent } from '../../db/events';
import type { ReplyStreamEvents } from '../protocol/timeline';

type Streamed = Extract<BusEvent, { type: 'token' | 'turn_end' }>;

/**
 * `GET /api/conversations/:id/stream`: a reply as the assistant writes it (a call's or a web chat's), token by token,
 * for the agent watching the conversation. Nothing here is kept: the recorded message follows on `GET /api/events`.
 */
export function conversationStreamRoutes({ db, events }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));
  const route = createRoute({
    method: 'get',
    path: '/{id}/stream',
    summary: 'A reply as it is written (server-sent events)',
    description: '`token` events (`turnId`, `attempt`, `seq`, `text`; a new attempt writes again from the start), `turn_end`, `ready` once live, `ping` when idle. Nothing here is kept.',
    tags: ['Conversations'],
    security: agentSecurity,
    request: { params: conversationIdParam },
    responses: { 200: { description: 'An event stream that stays open.', content: { 'text/event-stream': { schema: z.string() } } }, ...errorAnswers(400, 401, 404) },
  });
  app.openapi(route, async (c) => {
    const conversation = await agentConversation(db, c.get('agent').tenant_id, c.req.valid('param').id);
    return streamSSE(c, async (stream) => {
      await relayEvents<Streamed>(
        stream,
        (push) =>
          events.subscribeConversation(conversation.id, (event) => {
            if (event.type === 'token' || event.type === 'turn_end') push(event);
          }),
        (event) => {
          const data: ReplyStreamEvents[typeof event.type] =
            event.type === 'token' ? { turnId: event.turnId, attempt: event.attempt, seq: event.seq, text: event.text } : { turnId: event.turnId, attempt: event.attempt };
          return stream.writeSSE({ event: event.type, data: JSON.stringify(data) });
        },
        () => stream.writeSSE({ event: 'ready', data: '{}' }),
      );
    });
  });
  return app;
}
