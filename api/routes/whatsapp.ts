import { createRoute } from '@hono/zod-openapi';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { agentSecurity, declaredRoutes, errorAnswers, jsonAnswer } from '../openapi';
import { whatsAppTemplateListSchema } from '../protocol/agent-schemas';
import { approvedTemplates } from '../whatsapp-templates';

/** `GET /api/whatsapp/templates`: what an agent may send on WhatsApp outside the 24-hour window. */
export function whatsAppRoutes({ db, twilioAccounts }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));
  app.openapi(
    createRoute({
      method: 'get',
      path: '/templates',
      summary: 'WhatsApp templates the account may send',
      description: "The tenant's Twilio account's Content API templates that WhatsApp approved: the only messages it takes outside the 24 hours after a person's last message. Read from Twilio, kept a minute.",
      tags: ['Conversations'],
      security: agentSecurity,
      responses: { 200: jsonAnswer(whatsAppTemplateListSchema, 'The approved templates.'), ...errorAnswers(401, 502, 503) },
    }),
    async (c) => c.json({ templates: await approvedTemplates(await twilioAccounts.client(c.get('agent').tenant_id)) }, 200),
  );
  return app;
}
