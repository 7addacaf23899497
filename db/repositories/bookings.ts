import { sql, type Kysely } from 'kysely';
import type { Booking, BookingSlot, Database } from '../schema';
import { readableRef } from '../refs';

/** Slots between `from` and `to` with at least `places` free, soonest first. */
export function openSlots(
  db: Kysely<Database>,
  tenantId: string,
  range: { from: Date; to: Date },
  places: number,
  service?: string,
): Promise<BookingSlot[]> {
  let query = db
    .selectFrom('booking_slots')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('starts_at', '>=', range.from)
    .where('starts_at', '<', range.to)
    .where(sql<boolean>`capacity - booked >= ${places}`);
  if (service) query = query.where('service', 'ilike', `%${service.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return query.orderBy('starts_at').orderBy('id').limit(20).execute();
}

export function slotById(db: Kysely<Database>, tenantId: string, slotId: string): Promise<BookingSlot | undefined> {
  return db.selectFrom('booking_slots').selectAll().where('tenant_id', '=', tenantId).where('id', '=', slotId).executeTakeFirst();
}

/** Takes `places` in the slot if that many are free: one statement, so of two racing for the last place one wins. */
export async function takePlaces(db: Kysely<Database>, slotId: string, places: number): Promise<boolean> {
  const taken = await db
    .updateTable('booking_slots')
    .set({ booked: sql`booked + ${places}` })
    .where('id', '=', slotId)
    .where(sql<boolean>`booked + ${places} <= capacity`)
    .executeTakeFirst();
  return taken.numUpdatedRows > 0n;
}

export function liveBookingInSlot(db: Kysely<Database>, conversationId: string, slotId: string): Promise<Booking | undefined> {
  return db
    .selectFrom('bookings')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('slot_id', '=', slotId)
    .where('status', '=', 'booked')
    .executeTakeFirst();
}

export function insertBooking(db: Kysely<Database>, booking: Omit<Booking, 'ref' | 'created_at' | 'cancelled_at' | 'status'>): Promise<Booking> {
  return db.insertInto('bookings').values({ ...booking, ref: readableRef('BK'), status: 'booked' }).returningAll().executeTakeFirstOrThrow();
}

/** A customer's bookings (theirs alone), with their slots; one by reference when `ref` is given. */
export function customerBookings(
  db: Kysely<Database>,
  customer: { tenantId: string; contactKey: string },
  ref?: string,
): Promise<(Booking & { service: string; starts_at: Date })[]> {
  let query = db
    .selectFrom('bookings')
    .innerJoin('booking_slots', 'booking_slots.id', 'bookings.slot_id')
    .selectAll('bookings')
    .select(['booking_slots.service', 'booking_slots.starts_at'])
    .where('bookings.tenant_id', '=', customer.tenantId)
    .where('bookings.contact_key', '=', customer.contactKey);
  if (ref) query = query.where('bookings.ref', '=', ref.trim().toUpperCase());
  return query.orderBy('booking_slots.starts_at').limit(20).execute();
}

/** Cancels a customer's live booking and frees its places; undefined when they have no such booking. */
export async function cancelCustomerBooking(
  db: Kysely<Database>,
  customer: { tenantId: string; contactKey: string },
  ref: string,
): Promise<Booking | undefined> {
  const booking = await db
    .updateTable('bookings')
    .set({ status: 'cancelled', cancelled_at: new Date() })
    .where('tenant_id', '=', customer.tenantId)
    .where('contact_key', '=', customer.contactKey)
    .where('ref', '=', ref.trim().toUpperCase())
    .where('status', '=', 'booked')
    .returningAll()
    .executeTakeFirst();
  if (booking) {
    await db.updateTable('booking_slots').set({ booked: sql`booked - ${booking.party_size}` }).where('id', '=', booking.slot_id).execute();
  }
  return booking;
}

/** Every booking of the tenant, newest first, for its agents. */
export function tenantBookings(db: Kysely<Database>, tenantId: string, limit = 200) {
  return db
    .selectFrom('bookings')
    .innerJoin('booking_slots', 'booking_slots.id', 'bookings.slot_id')
    .selectAll('bookings')
    .select(['booking_slots.service', 'booking_slots.starts_at'])
    .where('bookings.tenant_id', '=', tenantId)
    .orderBy('bookings.created_at', 'desc')
    .limit(limit)
    .execute();
}
