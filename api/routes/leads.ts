import { Hono } from 'hono';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import type { LeadList } from '../protocol/agent-api';
import { tenantLeads } from '../../db/repositories/listings';

/** Buyers' interest in listings that the assistant recorded (and told the sellers of), for the tenant's agents. */
export function leadRoutes({ db }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  app.get('/', async (c) => {
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
    } satisfies LeadList);
  });

  return app;
}
