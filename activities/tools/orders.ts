import { z } from 'zod';
import { defineTool, refused } from './tool';
import { addLine, confirmOrder, draftOrder, menu, menuItem, openDraft, orderLines, removeLine } from '../../db/repositories/orders';
import type { Kysely } from 'kysely';
import type { Database, Order } from '../../db/schema';

/** Cents as the decimal a customer reads ("12.50"): the model never does arithmetic on money. */
function money(cents: number): string {
  return (cents / 100).toFixed(2);
}

async function orderView(db: Kysely<Database>, order: Order) {
  const lines = await orderLines(db, order.ref);
  const currency = lines[0]?.currency ?? null;
  const total = lines.reduce((sum, line) => sum + line.unit_price_cents * line.quantity, 0);
  return {
    order_ref: order.ref,
    status: order.status,
    items: lines.map((line) => ({
      item_id: line.item_id,
      name: line.name,
      quantity: line.quantity,
      unit_price: money(line.unit_price_cents),
      line_total: money(line.unit_price_cents * line.quantity),
      ...(line.notes ? { notes: line.notes } : {}),
    })),
    total: money(total),
    currency,
  };
}

export const getMenu = defineTool({
  name: 'get_menu',
  description: 'The menu: every item that can be ordered now, with its item_id, price and category.',
  args: z.object({}),
  kind: 'read',
  pack: 'orders',
  async run(_args, { db, tenantId }) {
    const items = await menu(db, tenantId);
    return {
      items: items.map((item) => ({ item_id: item.id, name: item.name, category: item.category, description: item.description, price: money(item.price_cents), currency: item.currency })),
    };
  },
});

export const addToOrder = defineTool({
  name: 'add_to_order',
  description: "Add an item from the menu to the customer's order (started if they have none); the quantity adds to what is there.",
  args: z.object({
    item_id: z.string().trim().min(1).max(100),
    quantity: z.number().int().min(1).max(50),
    notes: z.string().trim().max(300).optional().describe('How the customer wants it (no onions, extra hot)'),
  }),
  kind: 'write',
  pack: 'orders',
  async run({ item_id, quantity, notes }, { db, tenantId, conversationId, contactKey }) {
    const item = await menuItem(db, tenantId, item_id);
    if (!item) return refused(`there is no item ${item_id}; read the menu with get_menu`);
    if (!item.available) return refused(`${item.name} cannot be ordered now`);
    const order = await openDraft(db, { tenantId, conversationId, contactKey });
    const lines = await orderLines(db, order.ref);
    if (lines.length > 0 && lines[0]?.currency !== item.currency) return refused(`${item.name} is priced in ${item.currency}, the order in ${lines[0]?.currency}`);
    await addLine(db, order.ref, item, quantity, notes || null);
    return orderView(db, order);
  },
});

export const removeFromOrder = defineTool({
  name: 'remove_from_order',
  description: "Take an item out of the customer's order being built.",
  args: z.object({ item_id: z.string().trim().min(1).max(100) }),
  kind: 'write',
  pack: 'orders',
  async run({ item_id }, { db, conversationId }) {
    const order = await draftOrder(db, conversationId);
    if (!order) return refused('the customer has no order being built');
    if (!(await removeLine(db, order.ref, item_id))) return refused(`the order has no item ${item_id}`);
    return orderView(db, order);
  },
});

export const viewOrder = defineTool({
  name: 'view_order',
  description: "The customer's order being built: its items, quantities and total.",
  args: z.object({}),
  kind: 'read',
  pack: 'orders',
  async run(_args, { db, conversationId }) {
    const order = await draftOrder(db, conversationId);
    if (!order) return { order: null, note: 'the customer has no order being built' };
    return orderView(db, order);
  },
});

export const confirmOrderTool = defineTool({
  name: 'confirm_order',
  description: "Place the customer's order once they confirmed its items and total. Answers the order_ref to give them.",
  args: z.object({}),
  kind: 'write',
  pack: 'orders',
  async run(_args, { db, conversationId }) {
    const draft = await draftOrder(db, conversationId);
    if (!draft) return refused('the customer has no order being built; nothing was placed');
    if ((await orderLines(db, draft.ref)).length === 0) return refused('the order is empty; add items first');
    return orderView(db, await confirmOrder(db, draft.ref));
  },
});

export const orderTools = [getMenu, addToOrder, removeFromOrder, viewOrder, confirmOrderTool];
