import { sql, type Kysely } from 'kysely';
import type { Database, Lead, Listing } from '../schema';

export interface ListingFilter {
  make?: string;
  model?: string;
  priceMinCents?: number;
  priceMaxCents?: number;
  yearMin?: number;
  fuel?: string;
  transmission?: string;
  city?: string;
}

/** Listings matching every filter given (text filters ignore case), cheapest first. */
export function searchListings(db: Kysely<Database>, tenantId: string, filter: ListingFilter, limit = 10): Promise<Listing[]> {
  let query = db.selectFrom('listings').selectAll().where('tenant_id', '=', tenantId);
  for (const column of ['make', 'model', 'fuel', 'transmission', 'city'] as const) {
    const value = filter[column];
    if (value) query = query.where(sql<string>`lower(${sql.ref(column)})`, '=', value.toLowerCase());
  }
  if (filter.priceMinCents !== undefined) query = query.where('price_cents', '>=', filter.priceMinCents);
  if (filter.priceMaxCents !== undefined) query = query.where('price_cents', '<=', filter.priceMaxCents);
  if (filter.yearMin !== undefined) query = query.where('year', '>=', filter.yearMin);
  return query.orderBy('price_cents').orderBy('id').limit(limit).execute();
}

export function listingById(db: Kysely<Database>, tenantId: string, id: string): Promise<Listing | undefined> {
  return db.selectFrom('listings').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/**
 * Records a person's interest in a listing: once per person, and only then does the listing's count go up. Returns
 * whether this was the first time.
 */
export async function recordLead(db: Kysely<Database>, lead: Omit<Lead, 'created_at'>): Promise<boolean> {
  const inserted = await db.insertInto('leads').values(lead).onConflict((oc) => oc.columns(['tenant_id', 'listing_id', 'contact_key']).doNothing()).executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
  await db
    .updateTable('listings')
    .set({ interest_count: sql`interest_count + 1` })
    .where('tenant_id', '=', lead.tenant_id)
    .where('id', '=', lead.listing_id)
    .execute();
  return true;
}

/** The tenant's leads with their listings, newest first, for its agents. */
export function tenantLeads(db: Kysely<Database>, tenantId: string, limit = 200) {
  return db
    .selectFrom('leads')
    .innerJoin('listings', (join) => join.onRef('listings.tenant_id', '=', 'leads.tenant_id').onRef('listings.id', '=', 'leads.listing_id'))
    .select(['leads.id', 'leads.listing_id', 'leads.conversation_id', 'leads.contact_key', 'leads.created_at', 'listings.make', 'listings.model', 'listings.year', 'listings.seller_name', 'listings.seller_phone', 'listings.interest_count'])
    .where('leads.tenant_id', '=', tenantId)
    .orderBy('leads.created_at', 'desc')
    .limit(limit)
    .execute();
}
