// The wire of the operator's API (`/api/admin/*`, the ADMIN_TOKEN) and of a tenant's own settings: the schemas the
// routes answer with (published in /openapi.json), and their types.
import { z } from '@hono/zod-openapi';

/** A tenant as the operator sees it; `GET /api/admin/tenants[/:id]`, `POST` (with `adminToken`), `PATCH`. */
export const tenantViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    timezone: z.string().openapi({ description: 'IANA time zone its days and hours are kept in.' }),
    numbers: z.array(z.string()).openapi({ description: 'The numbers it answers (E.164; one number serves SMS, WhatsApp and calls).' }),
    twilio: z.object({ accountSid: z.string().nullable(), own: z.boolean() }).openapi({
      description: "Its own Twilio account (sends, calls and webhook signatures), or `own: false`: the deployment's. The auth token is given in `POST`/`PATCH` and never returned.",
    }),
    widget: z.object({ key: z.string(), allowedOrigins: z.array(z.string()) }).openapi({
      description: "Its chat widget: the key a site's script tag carries, and the sites allowed to use it (none listed: any).",
    }),
    createdAt: z.string(),
    deletedAt: z.string().nullable(),
  })
  .openapi('Tenant');
export type TenantView = z.infer<typeof tenantViewSchema>;

/** `GET/PATCH /api/settings`: a tenant's own settings, as its admin agents see them. */
export const tenantSettingsViewSchema = z
  .object({
    tenantId: z.string(),
    name: z.string(),
    timezone: z.string(),
    inboundPolicy: z.enum(['open', 'known_only']).openapi({
      description:
        'Who the assistant answers on SMS and WhatsApp: `open` (anyone), or `known_only` (people the business has written to; anyone else is recorded, listed and answered once a day with the `unknownSender` text, never by the model).',
    }),
    persona: z.object({ assistantName: z.string().optional(), tone: z.string().optional(), profile: z.string().optional(), instructions: z.string().optional(), template: z.string().optional() }),
    texts: z.record(z.string(), z.object({ text: z.string(), own: z.boolean() })).openapi({ description: 'Every text the service sends, in the tenant\'s words where it set them (`own`), the default otherwise.' }),
    numbers: z.array(z.string()),
  })
  .openapi('TenantSettings');
export type TenantSettingsView = z.infer<typeof tenantSettingsViewSchema>;

/** `/api/settings/projects`: a tenant's project (a campaign, a product line, a brand). */
export const projectViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    promptAddition: z.string().openapi({ description: "Told to the assistant on top of the tenant's prompt in the project's conversations." }),
    senderNumber: z.string().nullable().openapi({ description: "The number its outreach is sent from (one of the tenant's); null: the tenant's first." }),
    tools: z.array(z.string()).nullable().openapi({ description: "The tools the assistant may use in its conversations; null: all the tenant's." }),
    texts: z.record(z.string(), z.string()).openapi({ description: "Its own wording of the service's texts, over the tenant's." }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Project');
export type ProjectView = z.infer<typeof projectViewSchema>;

/** An agent of the tenant, as its admins list them (never with a token). */
export const agentViewSchema = z.object({ id: z.string(), name: z.string(), role: z.enum(['agent', 'admin']), createdAt: z.string() }).openapi('Agent');
