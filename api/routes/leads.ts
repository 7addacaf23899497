import { createRoute } from '@hono/zod-openapi';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { agentSecurity, declaredRoutes, errorAnswers, jsonAnswer } from '../openapi';
import type { LeadList } from '../protocol/agent-api';
import { leadListSchema } from '../protocol/agent-schemas';
import { tenantLeads } from '../../db/repositories/listings';

/** Buyers' interest in listings that the assistant recorded (and told the sellers of), for the tenant's agents. */
export function leadRoutes({ db }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));

  const route = createRoute({ method: 'get', path: '/', summary: "Buyers' interest in listings", description: "What the assistant recorded (and told the sellers of).", tags: ['Actions'], security: agentSecurity, responses: { 200: jsonAnswer(leadListSchema, 'Leads.'), ...errorAnswers(401) } });
  app.openapi(route, async (c) => {
    const rows = await tenantLeads(db, c.get('agent').tenant_id);
    return c.json({
      leads: rows.map((l) => ({
        id: l.id,
        listingId: l.listing_id,
        listing: `${l.year} ${l.make} ${l.model}`,
        sellerName: l.seller_name,
        sellerPhone: l.seller_phone,
        interestCount: l.interest_count,
        conversationId: l.conversation_id,
        contactKey: l.contact_key,
        createdAt: l.created_at.toISOString(),
      })),
    } satisfies LeadList, 200);
  });

  return app;
}
