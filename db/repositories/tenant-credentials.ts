import { sql, type Kysely } from 'kysely';
import { SecretUnreadable, type SecretBox } from '../../config/secrets';
import type { Database } from '../schema';

/** A tenant's own Twilio account, its auth token opened. */
export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
}

const authTokenName = 'twilio_auth_token';

/** What a sealed secret is bound to: moved to another tenant or name, it does not open. */
function secretContext(tenantId: string, name: string): string {
  return `tenant:${tenantId}:${name}`;
}

/**
 * Gives the tenant its own Twilio account (the auth token sealed with `box`), or takes it back to the deployment's
 * (`null`). Run it in a transaction: the SID and the token change together.
 */
export async function setTwilioAccount(db: Kysely<Database>, box: SecretBox | null, tenantId: string, credentials: TwilioCredentials | null): Promise<void> {
  await db.updateTable('tenants').set({ twilio_account_sid: credentials?.accountSid ?? null }).where('id', '=', tenantId).execute();
  if (!credentials) {
    await db.deleteFrom('tenant_secrets').where('tenant_id', '=', tenantId).where('name', '=', authTokenName).execute();
    return;
  }
  if (!box) throw new Error('SECRETS_KEY is not set: a tenant\'s own credentials cannot be stored');
  const { keyId, sealed } = box.seal(credentials.authToken, secretContext(tenantId, authTokenName));
  await db
    .insertInto('tenant_secrets')
    .values({ tenant_id: tenantId, name: authTokenName, key_id: keyId, sealed })
    .onConflict((oc) => oc.columns(['tenant_id', 'name']).doUpdateSet({ key_id: keyId, sealed, updated_at: sql`now()` }))
    .execute();
}

/**
 * The tenant's own Twilio account, or null when it uses the deployment's. Throws SecretUnreadable when its token
 * does not open with SECRETS_KEY (or SECRETS_KEY is unset), rather than falling back to another account.
 */
export async function twilioAccountOf(db: Kysely<Database>, box: SecretBox | null, tenantId: string): Promise<TwilioCredentials | null> {
  const row = await db
    .selectFrom('tenants')
    .leftJoin('tenant_secrets', (join) => join.onRef('tenant_secrets.tenant_id', '=', 'tenants.id').on('tenant_secrets.name', '=', authTokenName))
    .select(['tenants.twilio_account_sid', 'tenant_secrets.key_id', 'tenant_secrets.sealed'])
    .where('tenants.id', '=', tenantId)
    .executeTakeFirst();
  if (!row?.twilio_account_sid) return null;
  if (!row.key_id || !row.sealed) throw new SecretUnreadable(`tenant ${tenantId} has an Account SID but no auth token`);
  if (!box) throw new SecretUnreadable('SECRETS_KEY is not set');
  return { accountSid: row.twilio_account_sid, authToken: box.open({ keyId: row.key_id, sealed: row.sealed }, secretContext(tenantId, authTokenName)) };
}

/**
 * Seals again, with SECRETS_KEY's first key, every secret sealed with another one (after a new key was put first).
 * Run at start by every process; two at once write the same thing. Returns how many were sealed again, and the
 * tenants whose secrets no listed key opens.
 */
export async function resealSecrets(db: Kysely<Database>, box: SecretBox): Promise<{ resealed: number; unreadable: string[] }> {
  const rows = await db.selectFrom('tenant_secrets').selectAll().where('key_id', '<>', box.writeKeyId).execute();
  let resealed = 0;
  const unreadable: string[] = [];
  for (const row of rows) {
    let plain: string;
    try {
      plain = box.open({ keyId: row.key_id, sealed: row.sealed }, secretContext(row.tenant_id, row.name));
    } catch {
      unreadable.push(row.tenant_id);
      continue;
    }
    const { keyId, sealed } = box.seal(plain, secretContext(row.tenant_id, row.name));
    const updated = await db
      .updateTable('tenant_secrets')
      .set({ key_id: keyId, sealed, updated_at: sql`now()` })
      .where('tenant_id', '=', row.tenant_id)
      .where('name', '=', row.name)
      .where('key_id', '=', row.key_id)
      .executeTakeFirst();
    resealed += Number(updated.numUpdatedRows);
  }
  return { resealed, unreadable };
}
