import { createRoute, z } from '@hono/zod-openapi';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { agentSecurity, declaredRoutes, errorAnswers, jsonAnswer, pathId, text, withJsonBody } from '../openapi';
import { handoffQueueSchema } from '../protocol/agent-schemas';
import { publishEvent } from '../../db/events';
import { getHandoffTask, listActiveHandoffs } from '../../db/repositories/handoffs';
import type { HandoffTask } from '../../db/schema';
import type { HandoffQueue, HandoffView } from '../protocol/agent-api';

const replyBody = z.object({ body: text(1600) }).strict();
const resolveBody = z
  .object({
    note: z.string().trim().max(2000).optional().openapi({ description: "What the assistant is told of how it was resolved (it joins the assistant's context)." }),
    action: z.enum(['return_to_ai', 'close']).default('return_to_ai'),
  })
  .strict();
const idParam = z.object({ id: pathId(100).openapi({ param: { name: 'id', in: 'path' } }) });
const tags = ['Handoffs'];

export function handoffRoutes({ db, conversations }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));

  async function taskOr404(tenantId: string, id: string): Promise<HandoffTask> {
    const task = await getHandoffTask(db, tenantId, id);
    if (!task) throw new HttpError(404, 'not_found', `no handoff ${id}`);
    return task;
  }

  app.openapi(
    createRoute({ method: 'get', path: '/', summary: 'Open, escalated and claimed handoffs', tags, security: agentSecurity, responses: { 200: jsonAnswer(handoffQueueSchema, 'Oldest first.'), ...errorAnswers(401) } }),
    async (c) => {
      const rows = await listActiveHandoffs(db, c.get('agent').tenant_id);
      return c.json(
        {
          handoffs: rows.map((h): HandoffView => ({
            id: h.id,
            conversationId: h.conversation_id,
            contactKey: h.contact_key,
            customerName: h.customer_name,
            channel: h.last_channel,
            reason: h.reason,
            status: h.status,
            claimedBy: h.claimed_by,
            claimedByName: h.claimed_by_name,
            deadline: h.deadline.toISOString(),
            escalatedAt: h.escalated_at?.toISOString() ?? null,
            createdAt: h.created_at.toISOString(),
          })),
        } satisfies HandoffQueue,
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/claim',
      summary: 'Take a handoff',
      description: 'One agent holds it; a second is refused (409).',
      tags,
      security: agentSecurity,
      request: { params: idParam },
      responses: { 200: jsonAnswer(z.object({ id: z.string(), status: z.literal('claimed'), claimedBy: z.string() }), 'Claimed.'), ...errorAnswers(400, 401, 404, 409) },
    }),
    async (c) => {
      const agent = c.get('agent');
      const task = await taskOr404(agent.tenant_id, c.req.valid('param').id);
      await conversations.claimHandoff(task.conversation_id, { taskId: task.id, agentId: agent.id });
      return c.json({ id: task.id, status: 'claimed' as const, claimedBy: agent.id }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/reply',
      summary: 'Reply to the person',
      description: 'On the channel they last wrote on, through the outbox.',
      tags,
      security: agentSecurity,
      ...withJsonBody(replyBody, { params: idParam }),
      responses: { 201: jsonAnswer(z.object({ messageId: z.string() }), 'Sent (its delivery shows on the message).'), ...errorAnswers(400, 401, 404, 409, 415) },
    }),
    async (c) => {
      const agent = c.get('agent');
      const task = await taskOr404(agent.tenant_id, c.req.valid('param').id);
      const { messageId } = await conversations.agentReply(task.conversation_id, { taskId: task.id, agentId: agent.id, body: c.req.valid('json').body });
      return c.json({ messageId }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/typing',
      summary: 'The agent is writing',
      description: 'A web visitor sees "typing"; nothing is stored (the console sends it every few seconds).',
      tags,
      security: agentSecurity,
      request: { params: idParam },
      responses: { 204: { description: 'Shown.' }, ...errorAnswers(400, 401, 404, 409) },
    }),
    async (c) => {
      const agent = c.get('agent');
      const task = await taskOr404(agent.tenant_id, c.req.valid('param').id);
      if (task.claimed_by !== agent.id || task.status !== 'claimed') throw new HttpError(409, 'handoff_not_claimed', 'claim the handoff before writing in it');
      await publishEvent(db, { type: 'typing', tenantId: agent.tenant_id, conversationId: task.conversation_id, who: 'agent' });
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/resolve',
      summary: 'Resolve a handoff',
      description: 'The note joins the assistant\'s context; `return_to_ai` hands back to the assistant, `close` ends the conversation\'s run.',
      tags,
      security: agentSecurity,
      ...withJsonBody(resolveBody, { params: idParam }),
      responses: { 200: jsonAnswer(z.object({ id: z.string(), status: z.literal('resolved'), action: z.enum(['return_to_ai', 'close']) }), 'Resolved.'), ...errorAnswers(400, 401, 404, 409, 415) },
    }),
    async (c) => {
      const agent = c.get('agent');
      const task = await taskOr404(agent.tenant_id, c.req.valid('param').id);
      const { note, action } = c.req.valid('json');
      await conversations.resolveHandoff(task.conversation_id, { taskId: task.id, agentId: agent.id, note: note || null, action });
      return c.json({ id: task.id, status: 'resolved' as const, action }, 200);
    },
  );

  return app;
}
