import type { Kysely } from 'kysely';
import type { Database, NewTenant, Tenant } from '../schema';

export const defaultTenantId = 'default';

export async function upsertTenant(db: Kysely<Database>, tenant: NewTenant): Promise<void> {
  await db
    .insertInto('tenants')
    .values(tenant)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/**
 * The tenant that owns the number a customer wrote to. With no numbers registered at all, the default tenant answers
 * every number, so a fresh install works before any setup; once numbers are registered, an unknown one is refused.
 */
export async function tenantForNumber(db: Kysely<Database>, number: string): Promise<string | null> {
  const row = await db
    .selectFrom('phone_numbers')
    .innerJoin('tenants', 'tenants.id', 'phone_numbers.tenant_id')
    .select('phone_numbers.tenant_id')
    .where('phone_numbers.number', '=', number)
    .where('tenants.deleted_at', 'is', null)
    .executeTakeFirst();
  if (row) return row.tenant_id;
  const any = await db.selectFrom('phone_numbers').select('number').limit(1).executeTakeFirst();
  if (any) return null;
  const fallback = await getTenant(db, defaultTenantId);
  return fallback && !fallback.deleted_at ? fallback.id : null;
}

export async function getTenant(db: Kysely<Database>, id: string): Promise<Tenant | undefined> {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
}
