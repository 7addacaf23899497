import { sql, type Kysely } from 'kysely';

/**
 * The orders pack: a tenant's menu, and orders built item by item in a conversation. The order being built is a
 * `draft`, one per conversation, kept here so it survives restarts; confirming it makes it one `confirmed` order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('menu_items')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('category', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('price_cents', 'integer', (c) => c.notNull().check(sql`price_cents >= 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('available', 'boolean', (c) => c.notNull().defaultTo(true))
    .addPrimaryKeyConstraint('menu_items_pkey', ['tenant_id', 'id'])
    .execute();

  await db.schema
    .createTable('orders')
    .addColumn('ref', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('contact_key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'confirmed')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('confirmed_at', 'timestamptz')
    .execute();
  await sql`create unique index orders_one_draft on orders (conversation_id) where status = 'draft'`.execute(db);
  await db.schema.createIndex('orders_tenant_created').on('orders').columns(['tenant_id', 'created_at']).execute();

  await db.schema
    .createTable('order_items')
    .addColumn('order_ref', 'text', (c) => c.notNull().references('orders.ref').onDelete('cascade'))
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('unit_price_cents', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('notes', 'text')
    .addPrimaryKeyConstraint('order_items_pkey', ['order_ref', 'item_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('order_items').execute();
  await db.schema.dropTable('orders').execute();
  await db.schema.dropTable('menu_items').execute();
}
