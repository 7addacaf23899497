import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import type { ApiDeps } from '../deps';
import { declaredRoutes, jsonAnswer } from '../openapi';

const checkTimeoutMs = 2000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), checkTimeoutMs).unref()),
  ]);
}

export function healthRoutes({ db, temporal }: ApiDeps) {
  const app = declaredRoutes();
  const tags = ['Health'];
  const readiness = z.object({ status: z.enum(['ready', 'unavailable']), checks: z.object({ postgres: z.string(), temporal: z.string() }) }).openapi('Readiness');

  app.openapi(
    createRoute({ method: 'get', path: '/healthz', summary: 'The process is up', tags, responses: { 200: jsonAnswer(z.object({ status: z.literal('ok') }), 'Up.') } }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  const readyRoute = createRoute({
    method: 'get',
    path: '/readyz',
    summary: 'PostgreSQL and Temporal answer',
    description: 'A load balancer stops sending webhooks that would fail while this is 503.',
    tags,
    responses: { 200: jsonAnswer(readiness, 'Ready: both answer.'), 503: jsonAnswer(readiness, 'Not ready: which one does not, and why.') },
  });

  /** Ready when both stores answer: a load balancer stops sending webhooks that would fail. */
  app.openapi(readyRoute, async (c) => {
    const [postgres, temporalCheck] = await Promise.allSettled([
      withTimeout(sql`select 1`.execute(db), 'postgres'),
      withTimeout(temporal.connection.workflowService.getSystemInfo({}), 'temporal'),
    ]);
    const checks = {
      postgres: postgres.status === 'fulfilled' ? 'ok' : String(postgres.reason),
      temporal: temporalCheck.status === 'fulfilled' ? 'ok' : String(temporalCheck.reason),
    };
    const ready = checks.postgres === 'ok' && checks.temporal === 'ok';
    return ready ? c.json({ status: 'ready' as const, checks }, 200) : c.json({ status: 'unavailable' as const, checks }, 503);
  });

  return app;
}
