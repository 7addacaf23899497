import { Hono } from 'hono';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import type { BookingList } from '../protocol/agent-api';
import { tenantBookings } from '../../db/repositories/bookings';

/** The bookings customers made with the assistant, for the tenant's agents. */
export function bookingRoutes({ db }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  app.get('/', async (c) => {
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
    } satisfies BookingList);
  });

  return app;
}
