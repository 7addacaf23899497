import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { declaredRoutes, errorAnswers, jsonAnswer, operatorSecurity, pathId, text, withJsonBody } from '../openapi';
import { numbersFree, tenantNumber, timeZoneField } from '../tenant-fields';
import { requireOperator } from '../operator-auth';
import { createAgent } from '../../db/repositories/agents';
import { createTenant, deleteTenant, listTenants, numbersOf, numbersOfTenant, updateTenant } from '../../db/repositories/tenant-admin';
import { getTenant } from '../../db/repositories/tenants';
import type { Tenant } from '../../db/schema';
import { tenantViewSchema, type TenantView } from '../protocol/admin-api';

const numbers = z.array(tenantNumber).max(100).transform((list) => [...new Set(list)]);
/** A site's origin: scheme, host (ASCII; an international one as xn--…) and port, no path; kept as a browser writes it. */
const origin = z
  .string()
  .regex(
    /^https?:\/\/[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::[0-9]{1,5})?\/?$/,
    'an origin: http(s), a host and perhaps a port, no path (https://shop.example)',
  )
  .openapi({ example: 'https://harbour.example' })
  .transform((url) => (URL.canParse(url) ? new URL(url).origin : url.replace(/\/$/, '').toLowerCase()));
const widget = z.object({ allowedOrigins: z.array(origin).max(50) }).strict();
/** A Twilio account (or subaccount) of the tenant's own; null gives it back to the deployment's. */
const twilioAccount = z
  .object({
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits'),
    authToken: z.string().min(16, 'must be the account\'s auth token').max(128),
  })
  .strict()
  .nullable();

const createBody = z
  .object({
    name: text(200),
    timezone: timeZoneField.optional(),
    twilio: twilioAccount.optional(),
    numbers: numbers.default([]),
    widget: widget.optional(),
  })
  .strict();
const changeBody = z
  .object({
    name: text(200).optional(),
    timezone: timeZoneField.optional(),
    twilio: twilioAccount.optional(),
    numbers: numbers.optional(),
    widget: widget.optional(),
  })
  .strict();

function view(tenant: Tenant, tenantNumbers: string[]): TenantView {
  return {
    id: tenant.id,
    name: tenant.name,
    timezone: tenant.time_zone,
    numbers: tenantNumbers,
    twilio: { accountSid: tenant.twilio_account_sid, own: tenant.twilio_account_sid !== null },
    widget: { key: tenant.widget_key, allowedOrigins: tenant.allowed_origins },
    createdAt: tenant.created_at.toISOString(),
    deletedAt: tenant.deleted_at?.toISOString() ?? null,
  };
}


/**
 * The operator's tenants: a company (or brand) each, with its numbers, time zone and chat widget. Creating one
 * answers its first admin agent's token, once. Deleting keeps it and its conversations for retention, answering
 * nothing; its numbers are free for another tenant. A number moved here reaches its new tenant within a minute (the
 * API processes remember which tenant a number is for that long).
 */
export function adminTenantRoutes({ db, config, twilioAccounts }: ApiDeps) {
  const app = declaredRoutes();
  app.use('*', requireOperator(config.ADMIN_TOKEN));

  /** The tenant's own Twilio account to store, sealed with SECRETS_KEY (which must be set to take one). */
  const ownTwilio = (given: z.infer<typeof twilioAccount> | undefined) => {
    if (given === undefined) return undefined;
    if (given && !config.SECRETS_KEY) {
      throw new HttpError(409, 'secrets_key_unset', "set SECRETS_KEY on the service to keep a tenant's own Twilio credentials (they are stored encrypted)");
    }
    return { box: config.SECRETS_KEY, credentials: given };
  };

  const tenantAnswer = z.object({ tenant: tenantViewSchema });
  const deletedQuery = z.object({ deleted: z.enum(['true', 'false']).optional().openapi({ description: '`true`: deleted tenants too.' }) }).strict();
  const idParam = z.object({ id: pathId(100).openapi({ param: { name: 'id', in: 'path' }, example: 'harbour-kayaks-3f9a1c' }) });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Add a tenant',
      description: "A company (or brand) with its numbers, time zone, chat widget and, optionally, its own Twilio account. Answers its first admin agent's token, this once.",
      tags: ['Operator'],
      security: operatorSecurity,
      ...withJsonBody(createBody),
      responses: { 201: jsonAnswer(z.object({ tenant: tenantViewSchema, adminToken: z.string() }), 'The tenant, and its first admin agent\'s token.'), ...errorAnswers(400, 401, 403, 409, 415) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const tenant = await numbersFree(() =>
        createTenant(db, { name: body.name, timeZone: body.timezone, allowedOrigins: body.widget?.allowedOrigins, twilio: ownTwilio(body.twilio) }, body.numbers),
      );
      const { token } = await createAgent(db, { tenantId: tenant.id, name: `${body.name} admin`, role: 'admin' });
      return c.json({ tenant: view(tenant, body.numbers.sort()), adminToken: token }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/',
      summary: 'List the tenants',
      tags: ['Operator'],
      security: operatorSecurity,
      request: { query: deletedQuery },
      responses: { 200: jsonAnswer(z.object({ tenants: z.array(tenantViewSchema) }), 'Every tenant, oldest first.'), ...errorAnswers(400, 401, 403) },
    }),
    async (c) => {
      const tenants = await listTenants(db, c.req.valid('query').deleted === 'true');
      const byTenant = await numbersOf(db, tenants.map((t) => t.id));
      return c.json({ tenants: tenants.map((t) => view(t, byTenant.get(t.id) ?? [])) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      summary: 'One tenant',
      tags: ['Operator'],
      security: operatorSecurity,
      description: 'A deleted tenant is 404 here; `GET /api/admin/tenants?deleted=true` lists it.',
      request: { params: idParam },
      responses: { 200: jsonAnswer(tenantAnswer, 'The tenant.'), ...errorAnswers(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const tenant = await getTenant(db, id);
      if (!tenant || tenant.deleted_at) throw new HttpError(404, 'not_found', `no tenant ${id}${tenant ? ' (it was deleted: GET /api/admin/tenants?deleted=true lists it)' : ''}`);
      return c.json({ tenant: view(tenant, await numbersOfTenant(db, tenant.id)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      summary: 'Change a tenant',
      description: 'What is given changes; `numbers`, when given, become exactly those; `twilio: null` gives it back to the deployment\'s account.',
      tags: ['Operator'],
      security: operatorSecurity,
      ...withJsonBody(changeBody, { params: idParam }),
      responses: { 200: jsonAnswer(tenantAnswer, 'The tenant as changed.'), ...errorAnswers(400, 401, 403, 404, 409, 415) },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const { id } = c.req.valid('param');
      const settings = { name: body.name, timeZone: body.timezone, allowedOrigins: body.widget?.allowedOrigins, twilio: ownTwilio(body.twilio) };
      const tenant = await numbersFree(() => updateTenant(db, id, settings, body.numbers));
      if (!tenant) throw new HttpError(404, 'not_found', `no tenant ${id} (or it was deleted)`);
      twilioAccounts.forget(id);
      return c.json({ tenant: view(tenant, await numbersOfTenant(db, id)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      summary: 'Delete a tenant',
      description: 'Softly: it and its conversations are kept for retention; its numbers are freed and its agents signed out.',
      tags: ['Operator'],
      security: operatorSecurity,
      request: { params: idParam },
      responses: { 204: { description: 'Deleted.' }, ...errorAnswers(400, 401, 403, 404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await deleteTenant(db, id))) throw new HttpError(404, 'not_found', `no tenant ${id} (or it was deleted)`);
      twilioAccounts.forget(id);
      return c.body(null, 204);
    },
  );

  return app;
}
