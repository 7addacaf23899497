import { Hono } from 'hono';
import { sql } from 'kysely';
import type { ApiDeps } from '../deps';

const checkTimeoutMs = 2000;

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out`)), checkTimeoutMs).unref()),
  ]);
}

export function healthRoutes({ db, temporal }: ApiDeps) {
  const app = new Hono();

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  /** Ready when both stores answer: a load balancer stops sending webhooks that would fail. */
  app.get('/readyz', async (c) => {
    const [postgres, temporalCheck] = await Promise.allSettled([
      withTimeout(sql`select 1`.execute(db), 'postgres'),
      withTimeout(temporal.connection.workflowService.getSystemInfo({}), 'temporal'),
    ]);
    const checks = {
      postgres: postgres.status === 'fulfilled' ? 'ok' : String(postgres.reason),
      temporal: temporalCheck.status === 'fulfilled' ? 'ok' : String(temporalCheck.reason),
    };
    const ready = checks.postgres === 'ok' && checks.temporal === 'ok';
    return c.json({ status: ready ? 'ready' : 'unavailable', checks }, ready ? 200 : 503);
  });

  return app;
}
