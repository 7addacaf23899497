import { Hono } from 'hono';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import type { WhatsAppTemplateList } from '../protocol/agent-api';
import { approvedTemplates } from '../whatsapp-templates';

/** `GET /api/whatsapp/templates`: what an agent may send on WhatsApp outside the 24-hour window. */
export function whatsAppRoutes({ db, twilioAccounts }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));
  app.get('/templates', async (c) => c.json({ templates: await approvedTemplates(await twilioAccounts.client(c.get('agent').tenant_id)) } satisfies WhatsAppTemplateList));
  return app;
}
