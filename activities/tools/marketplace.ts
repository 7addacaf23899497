import { z } from 'zod';
import { defineTool, refused } from './tool';
import { listingById, recordLead, searchListings } from '../../db/repositories/listings';
import type { Listing } from '../../db/schema';

const money = (cents: number) => Math.round(cents) / 100;
const amount = z.number().min(0).max(100_000_000);

function summary(listing: Listing) {
  return {
    listing_id: listing.id,
    title: `${listing.year} ${listing.make} ${listing.model}`,
    price: money(listing.price_cents),
    currency: listing.currency,
    fuel: listing.fuel,
    transmission: listing.transmission,
    city: listing.city,
    ...(listing.mileage_km !== null ? { mileage_km: listing.mileage_km } : {}),
    ...(listing.url ? { url: listing.url } : {}),
  };
}

export const searchListingsTool = defineTool({
  name: 'search_listings',
  description: 'Search the listings for sale by any of make, model, price range, first year, fuel, transmission and city. Cheapest first.',
  args: z.object({
    make: z.string().trim().max(50).optional(),
    model: z.string().trim().max(50).optional(),
    price_min: amount.optional().describe('In the listing currency, as a number'),
    price_max: amount.optional().describe('In the listing currency, as a number'),
    year_min: z.number().int().min(1900).max(2100).optional(),
    fuel: z.string().trim().max(30).optional().describe('petrol, diesel, hybrid, electric'),
    transmission: z.string().trim().max(30).optional().describe('manual or automatic'),
    city: z.string().trim().max(60).optional(),
  }),
  kind: 'read',
  pack: 'marketplace',
  async run(args, { db, tenantId }) {
    if (args.price_min !== undefined && args.price_max !== undefined && args.price_min > args.price_max) return refused('price_min is above price_max');
    const listings = await searchListings(db, tenantId, {
      ...args,
      priceMinCents: args.price_min === undefined ? undefined : Math.round(args.price_min * 100),
      priceMaxCents: args.price_max === undefined ? undefined : Math.round(args.price_max * 100),
      yearMin: args.year_min,
    });
    return { count: listings.length, listings: listings.map(summary) };
  },
});

export const listingDetails = defineTool({
  name: 'listing_details',
  description: 'Everything about one listing, with the link a web visitor can open (offer it as a button with show_options).',
  args: z.object({ listing_id: z.string().trim().min(1).max(100) }),
  kind: 'read',
  pack: 'marketplace',
  async run({ listing_id }, { db, tenantId }) {
    const listing = await listingById(db, tenantId, listing_id);
    if (!listing) return refused(`there is no listing ${listing_id}; find one with search_listings`);
    return { ...summary(listing), description: listing.description, seller: listing.seller_name, interested_people: listing.interest_count };
  },
});

export const recordInterest = defineTool({
  name: 'record_interest',
  description: "Tell a listing's seller that the customer is interested (once they agreed to be put in touch). The seller is texted once.",
  args: z.object({ listing_id: z.string().trim().min(1).max(100) }),
  kind: 'write',
  pack: 'marketplace',
  async run({ listing_id }, { db, tenantId, conversationId, contactKey, notify }) {
    const listing = await listingById(db, tenantId, listing_id);
    if (!listing) return refused(`there is no listing ${listing_id}; find one with search_listings`);
    const tenant = await db.selectFrom('tenants').select('sender_number').where('id', '=', tenantId).executeTakeFirst();
    if (!tenant?.sender_number) return refused('the seller cannot be texted: the business has no number to text from; offer a person instead');
    const leadId = `${listing.id}:${contactKey}`;
    const first = await recordLead(db, { id: `${tenantId}:${leadId}`, tenant_id: tenantId, listing_id: listing.id, conversation_id: conversationId, contact_key: contactKey });
    const title = `${listing.year} ${listing.make} ${listing.model}`;
    if (!first) return { listing_id: listing.id, title, note: 'the customer had already shown interest; the seller knows' };
    const reach = contactKey.startsWith('+') ? `Reach them at ${contactKey}.` : 'They wrote in the web chat; we will pass on your reply.';
    await notify({ id: `lead:${tenantId}:${leadId}`, phone: listing.seller_phone, text: `New interest in your ${title} (listing ${listing.id}). ${reach}` });
    return { listing_id: listing.id, title, interest_recorded: true, seller_told: 'by text message' };
  },
});

export const marketplaceTools = [searchListingsTool, listingDetails, recordInterest];
