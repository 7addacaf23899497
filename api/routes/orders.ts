import { Hono } from 'hono';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import type { OrderList } from '../protocol/agent-api';
import { tenantOrders } from '../../db/repositories/orders';

/** The orders customers placed with the assistant, for the tenant's agents. */
export function orderRoutes({ db }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  app.get('/', async (c) => {
    const orders = await tenantOrders(db, c.get('agent').tenant_id);
    return c.json({
      orders: orders.map((order) => ({
        ref: order.ref,
        conversationId: order.conversation_id,
        contactKey: order.contact_key,
        items: order.items.map((line) => ({ itemId: line.item_id, name: line.name, quantity: line.quantity, unitPriceCents: line.unit_price_cents, notes: line.notes })),
        totalCents: order.items.reduce((sum, line) => sum + line.unit_price_cents * line.quantity, 0),
        currency: order.items[0]?.currency ?? null,
        confirmedAt: order.confirmed_at?.toISOString() ?? null,
      })),
    } satisfies OrderList);
  });

  return app;
}
