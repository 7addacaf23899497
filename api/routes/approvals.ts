import { createRoute, z } from '@hono/zod-openapi';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { agentSecurity, declaredRoutes, errorAnswers, jsonAnswer, pathId, withJsonBody } from '../openapi';
import type { ApprovalList } from '../protocol/agent-api';
import { approvalListSchema, approvalViewSchema } from '../protocol/agent-schemas';
import { approvalView } from '../conversation-views';
import { getApproval, listApprovals } from '../../db/repositories/approvals';

const decisionBody = z
  .object({
    note: z.string().trim().max(2000).optional(),
    argumentsHash: z.string().regex(/^[0-9a-f]{64}$/).optional().openapi({ description: 'When given, the decision holds only for exactly the tool and arguments with this hash.' }),
  })
  .strict();
const idParam = z.object({ id: pathId(100).openapi({ param: { name: 'id', in: 'path' } }) });
const tags = ['Actions'];

/** Tool calls that wait for a person: the tenant's agents approve or deny each once. */
export function approvalRoutes({ db, conversations }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      summary: 'Tool calls waiting for a person',
      description: 'Pending ones; `?status=all` for decided ones too.',
      tags,
      security: agentSecurity,
      request: { query: z.object({ status: z.enum(['pending', 'all']).optional() }).strict() },
      responses: { 200: jsonAnswer(approvalListSchema, 'Approvals.'), ...errorAnswers(400, 401) },
    }),
    async (c) => {
      const rows = await listApprovals(db, c.get('agent').tenant_id, c.req.valid('query').status === 'all');
      return c.json({ approvals: rows.map(approvalView) } satisfies ApprovalList, 200);
    },
  );

  for (const decision of ['approve', 'deny'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/{id}/${decision}`,
        summary: decision === 'approve' ? 'Approve a tool call: it runs, once' : 'Deny a tool call: the customer is told it did not happen',
        tags,
        security: agentSecurity,
        ...withJsonBody(decisionBody, { params: idParam }),
        responses: { 200: jsonAnswer(approvalViewSchema, 'The approval as decided.'), ...errorAnswers(400, 401, 404, 409, 415) },
      }),
      async (c) => {
        const agent = c.get('agent');
        const { id } = c.req.valid('param');
        const approval = await getApproval(db, agent.tenant_id, id);
        if (!approval) throw new HttpError(404, 'not_found', `no approval ${id}`);
        if (approval.status !== 'pending') throw new HttpError(409, 'approval_decided', `approval ${approval.id} is ${approval.status} already`);
        const { note, argumentsHash } = c.req.valid('json');
        if (argumentsHash && argumentsHash !== approval.arguments_hash) {
          throw new HttpError(409, 'arguments_changed', 'the approval is not for the tool call with that hash');
        }
        await conversations.decideApproval(approval.conversation_id, { approvalId: approval.id, decision, agentId: agent.id, note: note || null });
        return c.json(approvalView((await getApproval(db, agent.tenant_id, approval.id)) ?? approval), 200);
      },
    );
  }

  return app;
}
