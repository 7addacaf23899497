import { sql, type Kysely } from 'kysely';
import { readableRef } from '../refs';
import type { Database, MenuItem, Order, OrderItem } from '../schema';

export function menu(db: Kysely<Database>, tenantId: string): Promise<MenuItem[]> {
  return db.selectFrom('menu_items').selectAll().where('tenant_id', '=', tenantId).where('available', '=', true).orderBy('category').orderBy('name').execute();
}

export function menuItem(db: Kysely<Database>, tenantId: string, itemId: string): Promise<MenuItem | undefined> {
  return db.selectFrom('menu_items').selectAll().where('tenant_id', '=', tenantId).where('id', '=', itemId).executeTakeFirst();
}

export function draftOrder(db: Kysely<Database>, conversationId: string): Promise<Order | undefined> {
  return db.selectFrom('orders').selectAll().where('conversation_id', '=', conversationId).where('status', '=', 'draft').executeTakeFirst();
}

/** The conversation's order being built, started when there is none (locked until the transaction ends). */
export async function openDraft(db: Kysely<Database>, order: { tenantId: string; conversationId: string; contactKey: string }): Promise<Order> {
  await db
    .insertInto('orders')
    .values({ ref: readableRef('ORD'), tenant_id: order.tenantId, conversation_id: order.conversationId, contact_key: order.contactKey, status: 'draft' })
    .onConflict((oc) => oc.column('conversation_id').where('status', '=', 'draft').doNothing())
    .execute();
  return db.selectFrom('orders').selectAll().where('conversation_id', '=', order.conversationId).where('status', '=', 'draft').forUpdate().executeTakeFirstOrThrow();
}

/** Adds `quantity` of an item to the order (on top of what it has), at the item's price now. */
export async function addLine(db: Kysely<Database>, orderRef: string, item: MenuItem, quantity: number, notes: string | null): Promise<void> {
  await db
    .insertInto('order_items')
    .values({ order_ref: orderRef, item_id: item.id, name: item.name, unit_price_cents: item.price_cents, currency: item.currency, quantity, notes })
    .onConflict((oc) =>
      oc.columns(['order_ref', 'item_id']).doUpdateSet({ quantity: sql`order_items.quantity + excluded.quantity`, notes: sql`coalesce(excluded.notes, order_items.notes)` }),
    )
    .execute();
}

export async function removeLine(db: Kysely<Database>, orderRef: string, itemId: string): Promise<boolean> {
  const removed = await db.deleteFrom('order_items').where('order_ref', '=', orderRef).where('item_id', '=', itemId).executeTakeFirst();
  return removed.numDeletedRows > 0n;
}

export function orderLines(db: Kysely<Database>, orderRef: string): Promise<OrderItem[]> {
  return db.selectFrom('order_items').selectAll().where('order_ref', '=', orderRef).orderBy('name').execute();
}

export async function confirmOrder(db: Kysely<Database>, orderRef: string): Promise<Order> {
  return db
    .updateTable('orders')
    .set({ status: 'confirmed', confirmed_at: new Date() })
    .where('ref', '=', orderRef)
    .where('status', '=', 'draft')
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The tenant's confirmed orders with their lines, newest first, for its agents. */
export async function tenantOrders(db: Kysely<Database>, tenantId: string, limit = 200): Promise<(Order & { items: OrderItem[] })[]> {
  const orders = await db
    .selectFrom('orders')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'confirmed')
    .orderBy('confirmed_at', 'desc')
    .limit(limit)
    .execute();
  if (orders.length === 0) return [];
  const lines = await db.selectFrom('order_items').selectAll().where('order_ref', 'in', orders.map((o) => o.ref)).orderBy('name').execute();
  return orders.map((order) => ({ ...order, items: lines.filter((line) => line.order_ref === order.ref) }));
}
