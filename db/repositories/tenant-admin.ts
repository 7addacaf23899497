import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database, Tenant } from '../schema';
import type { SecretBox } from '../../config/secrets';
import { setTwilioAccount, type TwilioCredentials } from './tenant-credentials';

/** What an operator sets on a tenant. */
export interface TenantSettings {
  name?: string;
  timeZone?: string;
  allowedOrigins?: string[];
  /** Its own Twilio account, sealed with `box`; null: back to the deployment's; undefined: unchanged. */
  twilio?: { box: SecretBox | null; credentials: TwilioCredentials | null };
}

/** A number another tenant already answers. */
export class NumberTaken extends Error {
  constructor(readonly number: string) {
    super(`${number} belongs to another tenant`);
    this.name = 'NumberTaken';
  }
}

/** A tenant's id from its name: readable in logs and the Temporal UI (`conversation:<tenant>:…`), and unique. */
function tenantIdFor(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 24);
  return `${slug || 'tenant'}-${randomBytes(3).toString('hex')}`;
}

export async function createTenant(db: Kysely<Database>, settings: Required<Pick<TenantSettings, 'name'>> & TenantSettings, numbers: string[]): Promise<Tenant> {
  return db.transaction().execute(async (trx) => {
    const tenant = await trx
      .insertInto('tenants')
      .values({
        id: tenantIdFor(settings.name),
        name: settings.name,
        system_prompt: '',
        ...(settings.timeZone ? { time_zone: settings.timeZone } : {}),
        ...(settings.allowedOrigins ? { allowed_origins: settings.allowedOrigins } : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await setNumbers(trx, tenant.id, numbers);
    if (settings.twilio) await setTwilioAccount(trx, settings.twilio.box, tenant.id, settings.twilio.credentials);
    return { ...tenant, twilio_account_sid: settings.twilio?.credentials?.accountSid ?? null };
  });
}

/** Every tenant, oldest first; deleted ones too when asked. */
export async function listTenants(db: Kysely<Database>, withDeleted: boolean): Promise<Tenant[]> {
  let query = db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('id');
  if (!withDeleted) query = query.where('deleted_at', 'is', null);
  return query.execute();
}

export async function numbersOf(db: Kysely<Database>, tenantIds: string[]): Promise<Map<string, string[]>> {
  const byTenant = new Map<string, string[]>(tenantIds.map((id) => [id, []]));
  if (tenantIds.length === 0) return byTenant;
  const rows = await db.selectFrom('phone_numbers').select(['tenant_id', 'number']).where('tenant_id', 'in', tenantIds).orderBy('number').execute();
  for (const row of rows) byTenant.get(row.tenant_id)?.push(row.number);
  return byTenant;
}

/** The numbers one tenant answers, in order. */
export async function numbersOfTenant(db: Kysely<Database>, tenantId: string): Promise<string[]> {
  return (await numbersOf(db, [tenantId])).get(tenantId) ?? [];
}

/** Changes what is given; the numbers, when given, become exactly those (a number another tenant has: NumberTaken). */
export async function updateTenant(db: Kysely<Database>, id: string, settings: TenantSettings, numbers?: string[]): Promise<Tenant | undefined> {
  return db.transaction().execute(async (trx) => {
    const changes = {
      ...(settings.name !== undefined ? { name: settings.name } : {}),
      ...(settings.timeZone !== undefined ? { time_zone: settings.timeZone } : {}),
      ...(settings.allowedOrigins !== undefined ? { allowed_origins: settings.allowedOrigins } : {}),
    };
    const tenant =
      Object.keys(changes).length > 0
        ? await trx.updateTable('tenants').set(changes).where('id', '=', id).where('deleted_at', 'is', null).returningAll().executeTakeFirst()
        : await trx.selectFrom('tenants').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    if (tenant && numbers) await setNumbers(trx, id, numbers);
    if (tenant && settings.twilio) {
      await setTwilioAccount(trx, settings.twilio.box, id, settings.twilio.credentials);
      return { ...tenant, twilio_account_sid: settings.twilio.credentials?.accountSid ?? null };
    }
    return tenant;
  });
}

async function setNumbers(trx: Kysely<Database>, tenantId: string, numbers: string[]): Promise<void> {
  await trx.deleteFrom('phone_numbers').where('tenant_id', '=', tenantId).where('number', 'not in', numbers.length ? numbers : ['']).execute();
  for (const number of numbers) await addNumber(trx, tenantId, number);
}

/** Deletes softly: the tenant and its conversations stay for retention; its numbers are released. */
export async function deleteTenant(db: Kysely<Database>, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const deleted = await trx.updateTable('tenants').set({ deleted_at: sql`now()` }).where('id', '=', id).where('deleted_at', 'is', null).returning('id').executeTakeFirst();
    if (deleted) await trx.deleteFrom('phone_numbers').where('tenant_id', '=', id).execute();
    return deleted !== undefined;
  });
}

/** Gives the tenant one more number (NumberTaken when another tenant answers it); true when it is new to the tenant. */
export async function addNumber(db: Kysely<Database>, tenantId: string, number: string): Promise<boolean> {
  const row = await db
    .insertInto('phone_numbers')
    .values({ number, tenant_id: tenantId })
    .onConflict((oc) => oc.column('number').doUpdateSet({ tenant_id: sql`phone_numbers.tenant_id` }))
    .returning(['tenant_id', sql<boolean>`xmax = 0`.as('inserted')])
    .executeTakeFirstOrThrow();
  if (row.tenant_id !== tenantId) throw new NumberTaken(number);
  return row.inserted;
}

export async function removeNumber(db: Kysely<Database>, tenantId: string, number: string): Promise<boolean> {
  const removed = await db.deleteFrom('phone_numbers').where('tenant_id', '=', tenantId).where('number', '=', number).returning('number').executeTakeFirst();
  return removed !== undefined;
}
