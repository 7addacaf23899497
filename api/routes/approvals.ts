import { Hono } from 'hono';
import { z } from 'zod';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { jsonBody } from '../json-body';
import type { ApprovalList } from '../protocol/agent-api';
import { approvalView } from '../conversation-views';
import { getApproval, listApprovals } from '../../db/repositories/approvals';

const decisionBody = z.object({
  note: z.string().trim().max(2000).optional(),
  /** When given, the decision holds only for exactly the tool and arguments with this hash. */
  argumentsHash: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});


/** Tool calls that wait for a person: the tenant's agents approve or deny each once. */
export function approvalRoutes({ db, conversations }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  app.get('/', async (c) => {
    const rows = await listApprovals(db, c.get('agent').tenant_id, c.req.query('status') === 'all');
    return c.json({ approvals: rows.map(approvalView) } satisfies ApprovalList);
  });

  for (const decision of ['approve', 'deny'] as const) {
    app.post(`/:id/${decision}`, jsonBody(decisionBody), async (c) => {
      const agent = c.get('agent');
      const approval = await getApproval(db, agent.tenant_id, c.req.param('id'));
      if (!approval) throw new HttpError(404, 'not_found', `no approval ${c.req.param('id')}`);
      if (approval.status !== 'pending') throw new HttpError(409, 'approval_decided', `approval ${approval.id} is ${approval.status} already`);
      const { note, argumentsHash } = c.req.valid('json');
      if (argumentsHash && argumentsHash !== approval.arguments_hash) {
        throw new HttpError(409, 'arguments_changed', 'the approval is not for the tool call with that hash');
      }
      await conversations.decideApproval(approval.conversation_id, { approvalId: approval.id, decision, agentId: agent.id, note: note || null });
      return c.json(approvalView((await getApproval(db, agent.tenant_id, approval.id)) ?? approval));
    });
  }

  return app;
}
