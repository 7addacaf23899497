import { z } from 'zod';
import { defineTool, refused, type ToolContext } from './tool';
import { isIsoDate, localDay, localIso, localTime } from '../../domain/time-zone';
import {
  cancelCustomerBooking,
  customerBookings,
  insertBooking,
  liveBookingInSlot,
  openSlots,
  slotById,
  takePlaces,
} from '../../db/repositories/bookings';
import type { Booking } from '../../db/schema';

const partySize = z.number().int().min(1).max(50).describe('How many people (1 when not said)');

function bookingView(booking: Booking & { service: string; starts_at: Date }, timeZone: string) {
  return {
    booking_ref: booking.ref,
    service: booking.service,
    start: localIso(booking.starts_at, timeZone),
    name: booking.name,
    party_size: booking.party_size,
    status: booking.status,
    ...(booking.notes ? { notes: booking.notes } : {}),
  };
}

export const checkAvailability = defineTool({
  name: 'check_availability',
  description:
    'List the free slots on a day (in the business\'s time zone), each with its slot_id, start and places_left. Use ' +
    'it before booking; offer the customer a few of them.',
  args: z.object({
    date: z.string().refine(isIsoDate, 'a date written YYYY-MM-DD').describe('The day, YYYY-MM-DD'),
    party_size: partySize.optional(),
    service: z.string().trim().max(100).optional().describe('What the slot is for, when the business offers several'),
  }),
  kind: 'read',
  pack: 'bookings',
  async run({ date, party_size = 1, service }, { db, tenantId, timeZone, now }) {
    const today = localTime(now, timeZone).date;
    if (date < today) return refused(`${date} is in the past; today is ${today}`);
    const [dayStart, dayEnd] = localDay(date, timeZone);
    const from = dayStart > now ? dayStart : now;
    const slots = await openSlots(db, tenantId, { from, to: dayEnd }, party_size, service);
    return {
      date,
      time_zone: timeZone,
      slots: slots.map((slot) => ({
        slot_id: slot.id,
        service: slot.service,
        start: localIso(slot.starts_at, timeZone),
        places_left: slot.capacity - slot.booked,
      })),
    };
  },
});

export const createBooking = defineTool({
  name: 'create_booking',
  description:
    'Book a slot from check_availability for the customer, once they confirmed it and gave the name to book under. ' +
    'Answers the booking_ref to give them.',
  args: z.object({
    slot_id: z.string().trim().min(1).max(100),
    name: z.string().trim().min(1).max(100).describe('The name the booking is under'),
    party_size: partySize.optional(),
    notes: z.string().trim().max(500).optional().describe('Anything the business should know'),
  }),
  kind: 'write',
  pack: 'bookings',
  async run({ slot_id, name, party_size = 1, notes }, context: ToolContext) {
    const { db, tenantId, conversationId, contactKey, timeZone, now } = context;
    const slot = await slotById(db, tenantId, slot_id);
    if (!slot) return refused(`there is no slot ${slot_id}; list the free ones with check_availability`);
    if (slot.starts_at <= now) return refused('that slot has already started; offer a later one');
    // The same customer booking the same slot again (a model repeating itself) gets the booking they have.
    const existing = await liveBookingInSlot(db, conversationId, slot.id);
    if (existing) {
      return { ...bookingView({ ...existing, service: slot.service, starts_at: slot.starts_at }, timeZone), note: 'the customer already had this booking' };
    }
    if (!(await takePlaces(db, slot.id, party_size))) {
      return refused(`that slot is taken: ${slot.capacity - slot.booked} place(s) left for ${party_size}; offer another`);
    }
    const booking = await insertBooking(db, {
      tenant_id: tenantId,
      slot_id: slot.id,
      conversation_id: conversationId,
      contact_key: contactKey,
      name,
      party_size,
      notes: notes || null,
    });
    return bookingView({ ...booking, service: slot.service, starts_at: slot.starts_at }, timeZone);
  },
});

export const cancelBooking = defineTool({
  name: 'cancel_booking',
  description: "Cancel one of the customer's own bookings by its reference, once they confirmed they want it cancelled.",
  args: z.object({ booking_ref: z.string().trim().min(1).max(40) }),
  kind: 'write',
  pack: 'bookings',
  async run({ booking_ref }, { db, tenantId, contactKey, timeZone }) {
    const cancelled = await cancelCustomerBooking(db, { tenantId, contactKey }, booking_ref);
    // Another customer's reference reads as unknown: a customer learns nothing of bookings that are not theirs.
    if (!cancelled) return refused(`the customer has no live booking ${booking_ref}`);
    const [view] = await customerBookings(db, { tenantId, contactKey }, cancelled.ref);
    return view ? bookingView(view, timeZone) : { booking_ref: cancelled.ref, status: 'cancelled' };
  },
});

export const lookupBooking = defineTool({
  name: 'lookup_booking',
  description: "The customer's own bookings (or the one with booking_ref): when, for how many, and whether still on.",
  args: z.object({ booking_ref: z.string().trim().min(1).max(40).optional() }),
  kind: 'read',
  pack: 'bookings',
  async run({ booking_ref }, { db, tenantId, contactKey, timeZone }) {
    const bookings = await customerBookings(db, { tenantId, contactKey }, booking_ref);
    if (booking_ref && bookings.length === 0) return refused(`the customer has no booking ${booking_ref}`);
    return { bookings: bookings.map((b) => bookingView(b, timeZone)) };
  },
});

export const bookingTools = [checkAvailability, createBooking, cancelBooking, lookupBooking];
