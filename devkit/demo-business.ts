import type { Kysely } from 'kysely';
import type { BusinessInfo } from '../domain/business-hours';
import { localTime, zonedInstant } from '../domain/time-zone';
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

/** Café tables at lunch and dinner, 8 places each. */
const demoSlotTimes = ['12:00', '13:00', '18:30', '20:00'];
const demoSlotDays = 14;

/**
 * Turns every tool pack on for the tenant (once) and gives it what the packs need: its time zone, its business facts and
 * a menu, and two weeks of bookable slots from today (topped up at each start, so the demo always has some ahead).
 */
export async function seedDemoBusiness(db: Kysely<Database>, tenantId: string, now = new Date()): Promise<number> {
  await db
    .updateTable('tenants')
    .set({ time_zone: demoTimeZone, business_info: JSON.stringify(demoBusinessInfo) })
    .where('id', '=', tenantId)
    .where('time_zone', '=', 'UTC')
    .execute();
  // On once: what an admin turned off since stays off.
  await db
    .insertInto('tenant_tools')
    .values(builtInTools.map((tool) => ({ tenant_id: tenantId, name: tool.name, enabled: true })))
    .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
    .execute();

  const today = new Date(`${localTime(now, demoTimeZone).date}T00:00:00Z`);
  const slots = [];
  for (let day = 0; day < demoSlotDays; day += 1) {
    const date = new Date(today.getTime() + day * 86_400_000).toISOString().slice(0, 10);
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
  const added = await db.insertInto('booking_slots').values(slots).onConflict((oc) => oc.column('id').doNothing()).execute();
  return added.reduce((sum, r) => sum + Number(r.numInsertedOrUpdatedRows ?? 0), 0);
}
