import { createRoute, z } from '@hono/zod-openapi';
import { requireAdmin, requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { agentSecurity, declaredRoutes, errorAnswers, jsonAnswer, text, withJsonBody } from '../openapi';
import type { ModelsView } from '../protocol/agent-api';
import { fallbackViewSchema, modelsViewSchema } from '../protocol/agent-schemas';
import { providerOf } from '../../activities/models';
import { callableUrl, httpUrlField } from '../tenant-fields';
import { setTenantFallback } from '../../db/repositories/tenant-fallback';

const fallbackBody = z
  .object({
    baseUrl: httpUrlField,
    apiKey: z.string().min(1).max(500),
    model: text(200),
  })
  .strict();

/** Which models answer the tenant's customers; admins set the tenant's own fallback model. */
export function modelRoutes({ db, config }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));
  const tags = ['Assistant'];

  app.openapi(
    createRoute({ method: 'get', path: '/', summary: "The models that answer the tenant's customers", tags, security: agentSecurity, responses: { 200: jsonAnswer(modelsViewSchema, 'The model and its fallback.'), ...errorAnswers(401) } }),
    async (c) => {
      const tenant = await db.selectFrom('tenants').select('llm_fallback').where('id', '=', c.get('agent').tenant_id).executeTakeFirstOrThrow();
      const own = tenant.llm_fallback;
      const service = config.LLM_FALLBACK_MODEL ? { model: config.LLM_FALLBACK_MODEL, provider: providerOf(config.LLM_FALLBACK_BASE_URL), source: 'service' as const } : null;
      return c.json(
        {
          primary: config.OPENAI_API_KEY ? { model: config.OPENAI_MODEL, provider: providerOf(config.OPENAI_BASE_URL) } : null,
          fallback: own ? { model: own.model, provider: providerOf(own.baseUrl), source: 'tenant' as const } : service,
        } satisfies ModelsView,
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/fallback',
      summary: "Set the tenant's own fallback model (admins)",
      description: 'Any OpenAI-compatible endpoint; it answers when the model is down, before the service\'s own fallback. Its key is never shown again.',
      tags,
      security: agentSecurity,
      ...withJsonBody(fallbackBody, undefined, [requireAdmin]),
      responses: { 200: jsonAnswer(fallbackViewSchema, 'The fallback as set.'), ...errorAnswers(400, 401, 403, 415, 422) },
    }),
    async (c) => {
      const fallback = c.req.valid('json');
      callableUrl('baseUrl', fallback.baseUrl, config.TOOLS_ALLOW_PRIVATE_URLS);
      await setTenantFallback(db, config.SECRETS_KEY, c.get('agent').tenant_id, fallback);
      return c.json({ model: fallback.model, provider: providerOf(fallback.baseUrl), source: 'tenant' as const }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/fallback', summary: "Remove the tenant's own fallback model (admins)", tags, security: agentSecurity, middleware: requireAdmin, responses: { 204: { description: 'Removed.' }, ...errorAnswers(401, 403) } }),
    async (c) => {
      await setTenantFallback(db, config.SECRETS_KEY, c.get('agent').tenant_id, null);
      return c.body(null, 204);
    },
  );

  return app;
}
