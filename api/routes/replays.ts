import { Hono } from 'hono';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { replayReport, reportHtml } from '../../activities/replay/report';
import { listReplays } from '../../db/repositories/replays';

/** Replays of recorded conversations against a changed assistant (`npm run replay`), for the tenant's agents. */
export function replayRoutes({ db }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  app.get('/', async (c) => {
    const rows = await listReplays(db, c.get('agent').tenant_id, 50);
    return c.json({
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
    });
  });

  /** The report: JSON, or the HTML page with `?format=html` (or a request that accepts HTML and not JSON). */
  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    const report = /^[0-9a-f-]{36}$/i.test(id) ? await replayReport(db, c.get('agent').tenant_id, id) : undefined;
    if (!report) throw new HttpError(404, 'not_found', `no replay ${id}`);
    const accept = c.req.header('accept') ?? '';
    const html = c.req.query('format') === 'html' || (accept.includes('text/html') && !accept.includes('application/json'));
    return html ? c.html(reportHtml(report)) : c.json(report);
  });

  return app;
}
