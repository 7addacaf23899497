import { createRoute, z } from '@hono/zod-openapi';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { agentSecurity, declaredRoutes, errorAnswers, jsonAnswer, pathId } from '../openapi';
import { replayReport, reportHtml } from '../../activities/replay/report';
import { listReplays } from '../../db/repositories/replays';

const replaySchema = z
  .object({
    id: z.string(),
    status: z.string(),
    from: z.string(),
    to: z.string(),
    judgeModel: z.string().nullable(),
    conversations: z.number().int(),
    done: z.number().int(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Replay');
const tags = ['Knowledge'];

/** Replays of recorded conversations against a changed assistant (`npm run replay`), for the tenant's agents. */
export function replayRoutes({ db }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));

  app.openapi(
    createRoute({ method: 'get', path: '/', summary: 'Replays against a changed assistant', description: 'The newest 50.', tags, security: agentSecurity, responses: { 200: jsonAnswer(z.object({ replays: z.array(replaySchema) }), 'Newest first.'), ...errorAnswers(401) } }),
    async (c) => {
      const rows = await listReplays(db, c.get('agent').tenant_id, 50);
      return c.json(
        {
          replays: rows.map((r) => ({
            id: r.id,
            status: r.status,
            from: r.from_date,
            to: r.to_date,
            judgeModel: r.judge_model,
            conversations: Number(r.total),
            done: r.done,
            createdAt: r.created_at.toISOString(),
            finishedAt: r.finished_at?.toISOString() ?? null,
          })),
        },
        200,
      );
    },
  );

  /** The report: JSON, or the HTML page with `?format=html` (or a request that accepts HTML and not JSON). */
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      summary: "A replay's report",
      description: 'Each turn: the recorded and the changed answer, sources, model, cost and time, the judge\'s verdict; totals. JSON, or a page with `?format=html`.',
      tags,
      security: agentSecurity,
      request: { params: z.object({ id: pathId(100).openapi({ param: { name: 'id', in: 'path' } }) }), query: z.object({ format: z.enum(['json', 'html']).optional() }).strict() },
      responses: {
        200: { description: 'The report.', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) }, 'text/html': { schema: z.string() } } },
        ...errorAnswers(400, 401, 404),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const report = /^[0-9a-f-]{36}$/i.test(id) ? await replayReport(db, c.get('agent').tenant_id, id) : undefined;
      if (!report) throw new HttpError(404, 'not_found', `no replay ${id}`);
      const accept = c.req.header('accept') ?? '';
      const html = c.req.valid('query').format === 'html' || (accept.includes('text/html') && !accept.includes('application/json'));
      return html ? c.html(reportHtml(report)) : c.json(report as unknown as Record<string, unknown>, 200);
    },
  );

  return app;
}
