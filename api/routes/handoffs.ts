import { Hono } from 'hono';
import { z } from 'zod';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { jsonBody } from '../json-body';
import { publishEvent } from '../../db/events';
import { getHandoffTask, listActiveHandoffs } from '../../db/repositories/handoffs';
import type { HandoffTask } from '../../db/schema';
import type { HandoffQueue, HandoffView } from '../protocol/agent-api';

const replyBody = z.object({ body: z.string().trim().min(1).max(1600) });
const resolveBody = z.object({
  note: z.string().trim().max(2000).optional(),
  action: z.enum(['return_to_ai', 'close']).default('return_to_ai'),
});

export function handoffRoutes({ db, conversations }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  async function taskOr404(tenantId: string, id: string): Promise<HandoffTask> {
    const task = await getHandoffTask(db, tenantId, id);
    if (!task) throw new HttpError(404, 'not_found', `no handoff ${id}`);
    return task;
  }

  app.get('/', async (c) => {
    const rows = await listActiveHandoffs(db, c.get('agent').tenant_id);
    return c.json({
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
    } satisfies HandoffQueue);
  });

  app.post('/:id/claim', async (c) => {
    const agent = c.get('agent');
    const task = await taskOr404(agent.tenant_id, c.req.param('id'));
    await conversations.claimHandoff(task.conversation_id, { taskId: task.id, agentId: agent.id });
    return c.json({ id: task.id, status: 'claimed', claimedBy: agent.id });
  });

  app.post('/:id/reply', jsonBody(replyBody), async (c) => {
    const agent = c.get('agent');
    const task = await taskOr404(agent.tenant_id, c.req.param('id'));
    const { messageId } = await conversations.agentReply(task.conversation_id, { taskId: task.id, agentId: agent.id, body: c.req.valid('json').body });
    return c.json({ messageId }, 201);
  });

  /** The agent is writing a reply: a web visitor sees "typing" (nothing is stored; the console sends it every few seconds). */
  app.post('/:id/typing', async (c) => {
    const agent = c.get('agent');
    const task = await taskOr404(agent.tenant_id, c.req.param('id'));
    if (task.claimed_by !== agent.id || task.status !== 'claimed') throw new HttpError(409, 'handoff_not_claimed', 'claim the handoff before writing in it');
    await publishEvent(db, { type: 'typing', tenantId: agent.tenant_id, conversationId: task.conversation_id, who: 'agent' });
    return c.body(null, 204);
  });

  /** The workflow records the resolution (the note joins the AI's context) and hands back to the AI, or closes. */
  app.post('/:id/resolve', jsonBody(resolveBody), async (c) => {
    const agent = c.get('agent');
    const task = await taskOr404(agent.tenant_id, c.req.param('id'));
    const { note, action } = c.req.valid('json');
    await conversations.resolveHandoff(task.conversation_id, { taskId: task.id, agentId: agent.id, note: note || null, action });
    return c.json({ id: task.id, status: 'resolved', action });
  });

  return app;
}
