import { createRoute } from '@hono/zod-openapi';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { agentSecurity, declaredRoutes, errorAnswers, jsonAnswer } from '../openapi';
import type { BookingList } from '../protocol/agent-api';
import { bookingListSchema } from '../protocol/agent-schemas';
import { tenantBookings } from '../../db/repositories/bookings';

/** The bookings customers made with the assistant, for the tenant's agents. */
export function bookingRoutes({ db }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));

  const route = createRoute({ method: 'get', path: '/', summary: "Bookings made with the assistant", description: "Newest first.", tags: ['Actions'], security: agentSecurity, responses: { 200: jsonAnswer(bookingListSchema, 'Bookings.'), ...errorAnswers(401) } });
  app.openapi(route, async (c) => {
    const rows = await tenantBookings(db, c.get('agent').tenant_id);
    return c.json({
      bookings: rows.map((b) => ({
        ref: b.ref,
        slotId: b.slot_id,
        service: b.service,
        start: b.starts_at.toISOString(),
        name: b.name,
        partySize: b.party_size,
        notes: b.notes,
        status: b.status,
        conversationId: b.conversation_id,
        contactKey: b.contact_key,
        createdAt: b.created_at.toISOString(),
        cancelledAt: b.cancelled_at?.toISOString() ?? null,
      })),
    } satisfies BookingList, 200);
  });

  return app;
}
