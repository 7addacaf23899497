import { Hono } from 'hono';
import { requireAdmin, requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { jsonBody } from '../json-body';
import type { PersonaView } from '../protocol/agent-api';
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
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  app.get('/', async (c) => c.json(await view(db, c.get('agent').tenant_id)));

  app.put('/', requireAdmin, jsonBody(personaBody), async (c) => {
    const tenantId = c.get('agent').tenant_id;
    const persona = Object.fromEntries(Object.entries(c.req.valid('json')).filter(([, value]) => value !== undefined && value !== ''));
    await db.updateTable('tenants').set({ persona: JSON.stringify(persona) }).where('id', '=', tenantId).execute();
    return c.json(await view(db, tenantId));
  });

  return app;
}
