import { sql, type Kysely } from 'kysely';
import type { BusinessInfo } from '../domain/business-hours';
import type { Persona } from '../domain/personas';
import { addDays, localTime, zonedInstant } from '../domain/time-zone';
import { builtInTools } from '../activities/tools/registry';
import type { Database } from '../db/schema';

/** The demo business: a shop with a café in Vancouver (the README's numbers are Canadian). */
export const demoTimeZone = 'America/Vancouver';

export const demoBusinessInfo: BusinessInfo = {
  name: 'Harbour & Co.',
  address: '200 Granville St, Vancouver, BC V6C 1S4',
  phone: '+1 604 555 0199',
  email: 'hello@harbour.example',
  website: 'https://example.com',
  hours: {
    monday: [{ open: '09:00', close: '18:00' }],
    tuesday: [{ open: '09:00', close: '18:00' }],
    wednesday: [{ open: '09:00', close: '18:00' }],
    thursday: [{ open: '09:00', close: '18:00' }],
    friday: [{ open: '09:00', close: '18:00' }],
    saturday: [{ open: '10:00', close: '16:00' }],
  },
};

/** The café's menu, in Canadian dollars. */
export const demoMenu = [
  { id: 'flat-white', name: 'Flat white', category: 'Drinks', description: 'Double espresso, steamed milk', price_cents: 475 },
  { id: 'drip-coffee', name: 'Drip coffee', category: 'Drinks', description: 'Single origin, refills free', price_cents: 325 },
  { id: 'earl-grey', name: 'Earl Grey tea', category: 'Drinks', description: 'Loose leaf', price_cents: 350 },
  { id: 'croissant', name: 'Butter croissant', category: 'Bakery', description: 'Baked every morning', price_cents: 425 },
  { id: 'banana-bread', name: 'Banana bread', category: 'Bakery', description: 'With walnuts', price_cents: 450 },
  { id: 'salmon-bagel', name: 'Smoked salmon bagel', category: 'Lunch', description: 'Cream cheese, capers, red onion', price_cents: 1295 },
  { id: 'veggie-bowl', name: 'Harbour bowl', category: 'Lunch', description: 'Grains, roast squash, greens, tahini (vegan)', price_cents: 1450 },
];

/** Cars for sale, each with its seller's (made-up) number. */
export const demoListings = [
  { id: 'car-101', make: 'Toyota', model: 'Corolla', year: 2019, price_cents: 1_650_000, fuel: 'petrol', transmission: 'automatic', city: 'Vancouver', mileage_km: 62_000, seller_name: 'Sam', seller_phone: '+16045550181' },
  { id: 'car-102', make: 'Honda', model: 'Civic', year: 2021, price_cents: 2_290_000, fuel: 'petrol', transmission: 'manual', city: 'Burnaby', mileage_km: 31_000, seller_name: 'Priya', seller_phone: '+16045550182' },
  { id: 'car-103', make: 'Tesla', model: 'Model 3', year: 2020, price_cents: 3_150_000, fuel: 'electric', transmission: 'automatic', city: 'Vancouver', mileage_km: 54_000, seller_name: 'Lee', seller_phone: '+16045550183' },
  { id: 'car-104', make: 'Toyota', model: 'RAV4', year: 2018, price_cents: 2_450_000, fuel: 'hybrid', transmission: 'automatic', city: 'Richmond', mileage_km: 88_000, seller_name: 'Ana', seller_phone: '+16045550184' },
  { id: 'car-105', make: 'Volkswagen', model: 'Golf', year: 2017, price_cents: 1_290_000, fuel: 'diesel', transmission: 'manual', city: 'Surrey', mileage_km: 110_000, seller_name: 'Tom', seller_phone: '+16045550185' },
];

/** Who the demo's assistant is (an admin changes it with PUT /api/persona). */
export const demoPersona: Persona = {
  assistantName: 'Maya',
  template: 'retail',
  profile:
    'Harbour & Co. is a shop with a café on Granville Street in Vancouver: homeware with delivery and returns, a café ' +
    'that takes table bookings and orders, and a noticeboard of used cars for sale by local sellers.',
};

/** Café tables at lunch and dinner, 8 places each. */
const demoSlotTimes = ['12:00', '13:00', '18:30', '20:00'];
const demoSlotDays = 14;

/**
 * Turns every tool pack on for the tenant (once) and gives it what the packs need: its time zone, its business facts and
 * a menu, cars for sale, and two weeks of bookable slots from today (topped up at each start, so the demo always has some ahead).
 */
export async function seedDemoBusiness(db: Kysely<Database>, tenantId: string, now = new Date()): Promise<number> {
  await db
    .updateTable('tenants')
    .set({ time_zone: demoTimeZone, business_info: JSON.stringify(demoBusinessInfo) })
    .where('id', '=', tenantId)
    .where('time_zone', '=', 'UTC')
    .execute();
  await db.updateTable('tenants').set({ persona: JSON.stringify(demoPersona) }).where('id', '=', tenantId).where(sql<boolean>`persona = '{}'::jsonb`).execute();
  // On once: what an admin turned off since stays off.
  await db
    .insertInto('tenant_tools')
    .values(builtInTools.map((tool) => ({ tenant_id: tenantId, name: tool.name, enabled: true })))
    .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
    .execute();

  const today = localTime(now, demoTimeZone).date;
  const slots = [];
  for (let day = 0; day < demoSlotDays; day += 1) {
    const date = addDays(today, day);
    for (const time of demoSlotTimes) {
      const [h, m] = time.split(':').map(Number) as [number, number];
      slots.push({ id: `demo-${date}-${time.replace(':', '')}`, tenant_id: tenantId, service: 'table', starts_at: zonedInstant(date, h * 60 + m, demoTimeZone), capacity: 8 });
    }
  }
  await db
    .insertInto('menu_items')
    .values(demoMenu.map((item) => ({ ...item, tenant_id: tenantId, currency: 'CAD' })))
    .onConflict((oc) => oc.columns(['tenant_id', 'id']).doNothing())
    .execute();
  await db
    .insertInto('listings')
    .values(demoListings.map((l) => ({ ...l, tenant_id: tenantId, currency: 'CAD', url: `https://example.com/cars/${l.id}` })))
    .onConflict((oc) => oc.columns(['tenant_id', 'id']).doNothing())
    .execute();
  const added = await db.insertInto('booking_slots').values(slots).onConflict((oc) => oc.column('id').doNothing()).execute();
  return added.reduce((sum, r) => sum + Number(r.numInsertedOrUpdatedRows ?? 0), 0);
}
