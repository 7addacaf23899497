// The agent API's answers as schemas: what the routes declare in /openapi.json. `agent-api.ts` gives their types
// to the server and the console alike.
import { z } from '@hono/zod-openapi';

const budget = z
  .object({ monthlyTokens: z.number().int().nullable(), usedThisMonth: z.number().int(), state: z.enum(['ok', 'warning', 'spent']) })
  .openapi({ description: "The tenant's monthly token budget: `warning` from 80 % used, `spent` at 100 % (new turns go to people)." });

/** `GET /api/me`: whose token it is. */
export const agentViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    tenantId: z.string(),
    role: z.enum(['agent', 'admin']).openapi({ description: "`admin`: may also change the tenant's settings." }),
    budget,
  })
  .openapi('Me');

/** `GET /api/usage`: what the tenant's model calls used and cost, per day and model. */
export const usageReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    timeZone: z.string(),
    days: z.array(z.object({ day: z.string(), model: z.string(), calls: z.number().int(), promptTokens: z.number().int(), completionTokens: z.number().int(), costUsd: z.number() })),
    totals: z.object({ calls: z.number().int(), promptTokens: z.number().int(), completionTokens: z.number().int(), costUsd: z.number() }),
    budget,
  })
  .openapi('Usage');

/** `GET /api/persona`, `PUT /api/persona`: who the assistant is, the templates to start from, and the prompt it makes. */
export const personaViewSchema = z
  .object({
    persona: z.object({ assistantName: z.string().optional(), tone: z.string().optional(), profile: z.string().optional(), instructions: z.string().optional(), template: z.string().optional() }),
    templates: z.array(z.object({ name: z.string(), role: z.string(), tone: z.string(), instructions: z.string() })),
    prompt: z.string().openapi({ description: 'The system prompt a text conversation starts from now.' }),
  })
  .openapi('Persona');

const fallbackModel = z.object({ model: z.string(), provider: z.string(), source: z.enum(['tenant', 'service']) });

/** `GET /api/models`: the model the tenant's turns use, and the fallback that answers when it is down. */
export const modelsViewSchema = z
  .object({
    primary: z.object({ model: z.string(), provider: z.string() }).nullable(),
    fallback: fallbackModel.nullable().openapi({ description: "The tenant's own (`PUT /api/models/fallback`) or else the service's; its key is never shown." }),
  })
  .openapi('Models');
export const fallbackViewSchema = fallbackModel.openapi('FallbackModel');

/** A WhatsApp template the account may send outside the 24-hour window. */
export const whatsAppTemplateSchema = z
  .object({
    sid: z.string().openapi({ description: "The Content API's id (HX…), sent as `template.contentSid`." }),
    name: z.string(),
    language: z.string(),
    body: z.string().openapi({ description: 'Its text, with `{{1}}`, `{{2}}`… for the variables.' }),
    variables: z.record(z.string(), z.string()).openapi({ description: 'Sample values by placeholder number.' }),
  })
  .openapi('WhatsAppTemplate');
export const whatsAppTemplateListSchema = z.object({ templates: z.array(whatsAppTemplateSchema) });
