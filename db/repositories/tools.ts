import type { Kysely } from 'kysely';
import type { Database } from '../schema';

/** The tools a tenant turned on or off, by name. */
export async function toolSwitches(db: Kysely<Database>, tenantId: string): Promise<Map<string, boolean>> {
  const rows = await db.selectFrom('tenant_tools').select(['name', 'enabled']).where('tenant_id', '=', tenantId).execute();
  return new Map(rows.map((r) => [r.name, r.enabled]));
}

export async function setToolEnabled(db: Kysely<Database>, tenantId: string, name: string, enabled: boolean): Promise<void> {
  await db
    .insertInto('tenant_tools')
    .values({ tenant_id: tenantId, name, enabled })
    .onConflict((oc) => oc.columns(['tenant_id', 'name']).doUpdateSet({ enabled, updated_at: new Date() }))
    .execute();
}

/** What a tool needs to know of its tenant and conversation: whose it is, and the tenant's time zone. */
export async function toolScope(db: Kysely<Database>, tenantId: string, conversationId: string) {
  const row = await db
    .selectFrom('tenants')
    .leftJoin('conversations', (join) => join.on('conversations.id', '=', conversationId).onRef('conversations.tenant_id', '=', 'tenants.id'))
    .select(['tenants.time_zone', 'conversations.contact_key'])
    .where('tenants.id', '=', tenantId)
    .executeTakeFirst();
  return { timeZone: row?.time_zone ?? 'UTC', contactKey: row?.contact_key ?? null };
}
