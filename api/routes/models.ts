import { Hono } from 'hono';
import { z } from 'zod';
import { requireAdmin, requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { jsonBody } from '../json-body';
import type { ModelsView } from '../protocol/agent-api';
import { providerOf } from '../../activities/models';
import { namesPrivateHost } from '../../activities/tools/public-address';

const fallbackBody = z.object({
  baseUrl: z.url({ protocol: /^https?$/, error: 'an http or https URL' }).max(2000),
  apiKey: z.string().min(1).max(500),
  model: z.string().trim().min(1).max(200),
});

/** Which models answer the tenant's customers; admins set the tenant's own fallback model. */
export function modelRoutes({ db, config }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  app.get('/', async (c) => {
    const tenant = await db.selectFrom('tenants').select('llm_fallback').where('id', '=', c.get('agent').tenant_id).executeTakeFirstOrThrow();
    const own = tenant.llm_fallback;
    const service = config.LLM_FALLBACK_MODEL ? { model: config.LLM_FALLBACK_MODEL, provider: providerOf(config.LLM_FALLBACK_BASE_URL), source: 'service' as const } : null;
    return c.json({
      primary: config.OPENAI_API_KEY ? { model: config.OPENAI_MODEL, provider: providerOf(config.OPENAI_BASE_URL) } : null,
      fallback: own ? { model: own.model, provider: providerOf(own.baseUrl), source: 'tenant' } : service,
    } satisfies ModelsView);
  });

  app.put('/fallback', requireAdmin, jsonBody(fallbackBody), async (c) => {
    const fallback = c.req.valid('json');
    if (!config.TOOLS_ALLOW_PRIVATE_URLS && namesPrivateHost(fallback.baseUrl)) {
      throw new HttpError(400, 'invalid_body', 'baseUrl: a loopback or private address (set TOOLS_ALLOW_PRIVATE_URLS=true to allow it)');
    }
    await db.updateTable('tenants').set({ llm_fallback: JSON.stringify(fallback) }).where('id', '=', c.get('agent').tenant_id).execute();
    return c.json({ model: fallback.model, provider: providerOf(fallback.baseUrl), source: 'tenant' as const });
  });

  app.delete('/fallback', requireAdmin, async (c) => {
    await db.updateTable('tenants').set({ llm_fallback: null }).where('id', '=', c.get('agent').tenant_id).execute();
    return c.body(null, 204);
  });

  return app;
}
