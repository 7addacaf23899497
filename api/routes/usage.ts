import { Hono } from 'hono';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import type { UsageReport } from '../protocol/agent-api';
import { isIsoDate, localTime } from '../../domain/time-zone';
import { budgetOf, usageByDay } from '../../db/repositories/usage';

const maxDays = 366;

/** What the tenant's model calls used and cost, per day and model, and how much of the month's budget is gone. */
export function usageRoutes({ db }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  app.get('/', async (c) => {
    const tenantId = c.get('agent').tenant_id;
    const tenant = await db.selectFrom('tenants').select('time_zone').where('id', '=', tenantId).executeTakeFirstOrThrow();
    const today = localTime(new Date(), tenant.time_zone).date;
    const from = c.req.query('from') ?? `${today.slice(0, 8)}01`;
    const to = c.req.query('to') ?? today;
    for (const [name, value] of [['from', from], ['to', to]]) {
      if (!isIsoDate(value ?? '')) throw new HttpError(400, 'invalid_query', `${name}: a date written YYYY-MM-DD`);
    }
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (days < 0) throw new HttpError(400, 'invalid_query', 'from: must not be after to');
    if (days >= maxDays) throw new HttpError(400, 'invalid_query', `at most ${maxDays} days at once`);
    const [rows, budget] = await Promise.all([usageByDay(db, tenantId, tenant.time_zone, from, to), budgetOf(db, tenantId)]);
    const totals = rows.reduce(
      (sum, r) => ({ calls: sum.calls + r.calls, promptTokens: sum.promptTokens + r.promptTokens, completionTokens: sum.completionTokens + r.completionTokens, costUsd: sum.costUsd + r.costUsd }),
      { calls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
    );
    return c.json({ from, to, timeZone: tenant.time_zone, days: rows, totals: { ...totals, costUsd: Math.round(totals.costUsd * 1e8) / 1e8 }, budget } satisfies UsageReport);
  });

  return app;
}
