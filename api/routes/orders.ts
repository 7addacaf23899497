import { createRoute } from '@hono/zod-openapi';
import { requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { agentSecurity, declaredRoutes, errorAnswers, jsonAnswer } from '../openapi';
import type { OrderList } from '../protocol/agent-api';
import { orderListSchema } from '../protocol/agent-schemas';
import { tenantOrders } from '../../db/repositories/orders';

/** The orders customers placed with the assistant, for the tenant's agents. */
export function orderRoutes({ db }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));

  const route = createRoute({ method: 'get', path: '/', summary: "Orders placed with the assistant", description: "Newest first.", tags: ['Actions'], security: agentSecurity, responses: { 200: jsonAnswer(orderListSchema, 'Orders.'), ...errorAnswers(401) } });
  app.openapi(route, async (c) => {
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
    } satisfies OrderList, 200);
  });

  return app;
}
