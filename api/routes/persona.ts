import { createRoute } from '@hono/zod-openapi';
import { requireAdmin, requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { agentSecurity, declaredRoutes, errorAnswers, jsonAnswer, withJsonBody } from '../openapi';
import type { PersonaView } from '../protocol/agent-api';
import { personaViewSchema } from '../protocol/agent-schemas';
import { assistantPrompt } from '../assistant-prompt';
import { industryTemplates, templateDefaults, type Persona } from '../../domain/personas';
import { personaBody } from '../tenant-fields';
import type { Database } from '../../db/schema';
import type { Kysely } from 'kysely';


async function view(db: Kysely<Database>, tenantId: string): Promise<PersonaView> {
  const [tenant, prompt] = await Promise.all([
    db.selectFrom('tenants').select('persona').where('id', '=', tenantId).executeTakeFirstOrThrow(),
    assistantPrompt(db, tenantId, 'sms'),
  ]);
  return { persona: (tenant.persona ?? {}) as Persona, templates: industryTemplates.map((name) => ({ name, ...templateDefaults[name] })), prompt };
}

/** Who the assistant is for the tenant; admins set it (empty parts fall back to the template's, or are left out). */
export function personaRoutes({ db }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));
  const tags = ['Assistant'];

  app.openapi(
    createRoute({ method: 'get', path: '/', summary: 'Who the assistant is', tags, security: agentSecurity, responses: { 200: jsonAnswer(personaViewSchema, 'The persona, the templates and the prompt it makes.'), ...errorAnswers(401) } }),
    async (c) => c.json(await view(db, c.get('agent').tenant_id), 200),
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/',
      summary: 'Set who the assistant is (admins)',
      description: "The whole persona: a part left out or empty falls back to the template's, or is left out.",
      tags,
      security: agentSecurity,
      ...withJsonBody(personaBody.strict(), undefined, [requireAdmin]),
      responses: { 200: jsonAnswer(personaViewSchema, 'The persona as set.'), ...errorAnswers(400, 401, 403, 415) },
    }),
    async (c) => {
      const tenantId = c.get('agent').tenant_id;
      const persona = Object.fromEntries(Object.entries(c.req.valid('json')).filter(([, value]) => value !== undefined && value !== ''));
      await db.updateTable('tenants').set({ persona: JSON.stringify(persona) }).where('id', '=', tenantId).execute();
      return c.json(await view(db, tenantId), 200);
    },
  );

  return app;
}
