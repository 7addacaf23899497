import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { requireAgent, type AgentEnv } from '../auth';
import { agentConversation } from '../agent-conversation';
import type { ApiDeps } from '../deps';
import { relayEvents } from '../sse';
import type { BusEvent } from '../../db/events';
import type { ReplyStreamEvents } from '../protocol/timeline';

type Streamed = Extract<BusEvent, { type: 'token' | 'turn_end' }>;

/**
 * `GET /api/conversations/:id/stream`: a reply as the assistant writes it (a call's or a web chat's), token by token,
 * for the agent watching the conversation. Nothing here is kept: the recorded message follows on `GET /api/events`.
 */
export function conversationStreamRoutes({ db, events }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));
  app.get('/:id/stream', async (c) => {
    const conversation = await agentConversation(db, c.get('agent').tenant_id, c.req.param('id'));
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
