import { createRoute, z } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { requireAdmin, requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { agentSecurity, declaredRoutes, errorAnswers, jsonAnswer, text, withJsonBody } from '../openapi';
import { numbersFree, personaBody, serviceTexts, tenantNumber, timeZoneField } from '../tenant-fields';
import { projectRoutes } from './projects';
import { agentViewSchema, tenantSettingsViewSchema, type TenantSettingsView } from '../protocol/admin-api';
import { createAgent } from '../../db/repositories/agents';
import { addNumber, numbersOfTenant, removeNumber } from '../../db/repositories/tenant-admin';
import type { Database, InboundPolicy } from '../../db/schema';
import type { Persona } from '../../domain/personas';
import { defaultServiceTexts, serviceTextKeys } from '../../domain/texts';

const persona = personaBody.strict();
const settingsChange = z
  .object({ persona: persona.optional(), texts: serviceTexts.optional(), timezone: timeZoneField.optional(), inboundPolicy: z.enum(['open', 'known_only']).optional() })
  .strict();
const newAgent = z.object({ name: text(200), role: z.enum(['agent', 'admin']).default('agent') }).strict();
const newNumber = z.object({ number: tenantNumber }).strict();

async function settingsView(db: Kysely<Database>, tenantId: string): Promise<TenantSettingsView> {
  const tenant = await db.selectFrom('tenants').select(['id', 'name', 'time_zone', 'persona', 'texts', 'inbound_policy']).where('id', '=', tenantId).executeTakeFirstOrThrow();
  const own = (tenant.texts ?? {}) as Record<string, string>;
  return {
    tenantId: tenant.id,
    name: tenant.name,
    timezone: tenant.time_zone,
    inboundPolicy: tenant.inbound_policy,
    persona: (tenant.persona ?? {}) as Persona,
    texts: Object.fromEntries(serviceTextKeys.map((key) => [key, { text: own[key]?.trim() ? own[key] : defaultServiceTexts[key], own: Boolean(own[key]?.trim()) }])),
    numbers: await numbersOfTenant(db, tenantId),
  };
}

/**
 * A tenant's own settings, for its admin agents (a plain agent is refused, 403; another tenant's admin sees only
 * theirs): who the assistant is, the texts the service sends, the time zone, who the assistant answers on texts
 * (`inboundPolicy`), the team and the numbers it answers.
 */
const tags = ['Settings'];
const numberParam = z.object({ number: tenantNumber.openapi({ param: { name: 'number', in: 'path' } }) });

export function settingsRoutes(deps: ApiDeps) {
  const { db } = deps;
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db), requireAdmin);
  app.route('/projects', projectRoutes(deps));

  app.openapi(
    createRoute({ method: 'get', path: '/', summary: "The tenant's settings", tags, security: agentSecurity, responses: { 200: jsonAnswer(tenantSettingsViewSchema, 'Its settings.'), ...errorAnswers(401, 403) } }),
    async (c) => c.json(await settingsView(db, c.get('agent').tenant_id), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/',
      summary: "Change the tenant's settings",
      description: 'What is given changes: the persona\'s parts (merged), texts (`null` or empty: back to the default), time zone, inbound policy.',
      tags,
      security: agentSecurity,
      ...withJsonBody(settingsChange),
      responses: { 200: jsonAnswer(tenantSettingsViewSchema, 'Its settings as changed.'), ...errorAnswers(400, 401, 403, 415) },
    }),
    async (c) => {
      const tenantId = c.get('agent').tenant_id;
      const change = c.req.valid('json');
      const tenant = await db.selectFrom('tenants').select(['persona', 'texts']).where('id', '=', tenantId).executeTakeFirstOrThrow();
      const set: { persona?: string; texts?: string; time_zone?: string; inbound_policy?: InboundPolicy } = {};
      if (change.persona) {
        const parts = Object.entries({ ...(tenant.persona as Persona), ...change.persona }).filter(([, value]) => value !== undefined && value !== '');
        set.persona = JSON.stringify(Object.fromEntries(parts));
      }
      if (change.texts) {
        const merged: Record<string, string | null | undefined> = { ...(tenant.texts as Record<string, string>), ...change.texts };
        set.texts = JSON.stringify(Object.fromEntries(Object.entries(merged).filter(([, value]) => typeof value === 'string' && value !== '')));
      }
      if (change.timezone) set.time_zone = change.timezone;
      if (change.inboundPolicy) set.inbound_policy = change.inboundPolicy;
      if (Object.keys(set).length > 0) await db.updateTable('tenants').set(set).where('id', '=', tenantId).execute();
      return c.json(await settingsView(db, tenantId), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/agents', summary: "The tenant's agents", tags, security: agentSecurity, responses: { 200: jsonAnswer(z.object({ agents: z.array(agentViewSchema) }), 'Its agents, oldest first (never their tokens).'), ...errorAnswers(401, 403) } }),
    async (c) => {
      const agents = await db.selectFrom('agents').select(['id', 'name', 'role', 'created_at']).where('tenant_id', '=', c.get('agent').tenant_id).orderBy('created_at').execute();
      return c.json({ agents: agents.map((a) => ({ id: a.id, name: a.name, role: a.role, createdAt: a.created_at.toISOString() })) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/agents',
      summary: 'Add an agent',
      description: 'Its token is in this answer only.',
      tags,
      security: agentSecurity,
      ...withJsonBody(newAgent),
      responses: { 201: jsonAnswer(z.object({ agent: agentViewSchema, token: z.string() }), 'The agent and its token.'), ...errorAnswers(400, 401, 403, 415) },
    }),
    async (c) => {
      const { name, role } = c.req.valid('json');
      const { agent, token } = await createAgent(db, { tenantId: c.get('agent').tenant_id, name, role });
      return c.json({ agent: { id: agent.id, name: agent.name, role: agent.role, createdAt: agent.created_at.toISOString() }, token }, 201);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/numbers', summary: 'The numbers the tenant answers', tags, security: agentSecurity, responses: { 200: jsonAnswer(z.object({ numbers: z.array(z.string()) }), 'Its numbers, E.164.'), ...errorAnswers(401, 403) } }),
    async (c) => c.json({ numbers: await numbersOfTenant(db, c.get('agent').tenant_id) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/numbers',
      summary: 'Answer one more number',
      tags,
      security: agentSecurity,
      ...withJsonBody(newNumber),
      responses: {
        200: jsonAnswer(z.object({ number: z.string() }), 'The tenant had it already.'),
        201: jsonAnswer(z.object({ number: z.string() }), 'Added.'),
        ...errorAnswers(400, 401, 403, 409, 415),
      },
    }),
    async (c) => {
      const { number } = c.req.valid('json');
      const added = await numbersFree(() => addNumber(db, c.get('agent').tenant_id, number));
      return added ? c.json({ number }, 201) : c.json({ number }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/numbers/{number}',
      summary: 'Stop answering a number',
      tags,
      security: agentSecurity,
      request: { params: numberParam },
      responses: { 204: { description: 'Removed.' }, ...errorAnswers(400, 401, 403, 404) },
    }),
    async (c) => {
      const { number } = c.req.valid('param');
      if (!(await removeNumber(db, c.get('agent').tenant_id, number))) throw new HttpError(404, 'not_found', `${number} is not one of this tenant's numbers`);
      return c.body(null, 204);
    },
  );

  return app;
}
