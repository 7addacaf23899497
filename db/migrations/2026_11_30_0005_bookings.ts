import { sql, type Kysely } from 'kysely';

/**
 * The bookings pack: slots a tenant offers (a table at 19:00, a consultation at 10:30), each with a number of places,
 * and the bookings customers make in them. `booked` counts the places taken, and an update that would pass
 * `capacity` changes nothing, so two customers racing for the last place get one booking and one refusal. A
 * conversation holds one live booking per slot: a model asking twice finds the first.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('booking_slots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull().check(sql`capacity > 0`))
    .addColumn('booked', 'integer', (c) => c.notNull().defaultTo(0))
    .addCheckConstraint('booking_slots_places', sql`booked >= 0 and booked <= capacity`)
    .execute();
  await db.schema.createIndex('booking_slots_tenant_start').on('booking_slots').columns(['tenant_id', 'starts_at']).execute();

  await db.schema
    .createTable('bookings')
    .addColumn('ref', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('slot_id', 'text', (c) => c.notNull().references('booking_slots.id').onDelete('cascade'))
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('contact_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('party_size', 'integer', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('booked', 'cancelled')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('cancelled_at', 'timestamptz')
    .execute();
  await sql`create unique index bookings_one_live_per_slot on bookings (conversation_id, slot_id) where status = 'booked'`.execute(db);
  await db.schema.createIndex('bookings_tenant_created').on('bookings').columns(['tenant_id', 'created_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('bookings').execute();
  await db.schema.dropTable('booking_slots').execute();
}
