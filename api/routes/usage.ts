import { createRoute, z } from '@hono/zod-openapi';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { agentSecurity, declaredRoutes, errorAnswers, isoDay, jsonAnswer } from '../openapi';
import type { UsageReport } from '../protocol/agent-api';
import { usageReportSchema } from '../protocol/agent-schemas';
import { localTime } from '../../domain/time-zone';
import { budgetOf, usageByDay } from '../../db/repositories/usage';

const maxDays = 366;

/** What the tenant's model calls used and cost, per day and model, and how much of the month's budget is gone. */
export function usageRoutes({ db }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));

  const route = createRoute({
    method: 'get',
    path: '/',
    summary: "The tenant's model usage and cost",
    description: `Per day (the tenant's days) and model, from \`from\` to \`to\` (inclusive, at most ${maxDays} days; this month so far by default), with the month's budget.`,
    tags: ['Usage'],
    security: agentSecurity,
    request: { query: z.object({ from: isoDay.optional(), to: isoDay.optional() }).strict() },
    responses: { 200: jsonAnswer(usageReportSchema, 'Usage and cost.'), ...errorAnswers(400, 401, 422) },
  });
  app.openapi(route, async (c) => {
    const tenantId = c.get('agent').tenant_id;
    const tenant = await db.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow();
    const today = localTime(new Date(), tenant.time_zone).date;
    const query = c.req.valid('query');
    const from = query.from ?? `${today.slice(0, 8)}01`;
    const to = query.to ?? today;
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    // Dates that are each fine but do not make a range: understood, and not possible.
    if (days < 0) throw new HttpError(422, 'invalid_range', 'from: must not be after to');
    if (days >= maxDays) throw new HttpError(422, 'invalid_range', `at most ${maxDays} days at once`);
    const [rows, budget] = await Promise.all([usageByDay(db, tenantId, tenant.time_zone, from, to), budgetOf(db, tenantId)]);
    const totals = rows.reduce(
      (sum, r) => ({ calls: sum.calls + r.calls, promptTokens: sum.promptTokens + r.promptTokens, completionTokens: sum.completionTokens + r.completionTokens, costUsd: sum.costUsd + r.costUsd }),
      { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
    );
    return c.json({ from, to, timeZone: tenant.time_zone, days: rows, totals: { ...totals, costUsd: Math.round(totals.costUsd * 1e8) / 1e8 }, budget } satisfies UsageReport, 200);
  });

  return app;
}
