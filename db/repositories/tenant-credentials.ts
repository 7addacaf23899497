import type { Kysely } from 'kysely';
import { SecretUnreadable, type SecretBox } from '../../config/secrets';
import type { Database } from '../schema';
import { dropSecret, openSealed, sealSecret, secretNames } from './tenant-secrets';

/** A tenant's own Twilio account, its auth token opened. */
export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
}

/**
 * Gives the tenant its own Twilio account (the auth token sealed with `box`), or takes it back to the deployment's
 * (`null`). Run it in a transaction: the SID and the token change together.
 */
export async function setTwilioAccount(db: Kysely<Database>, box: SecretBox | null, tenantId: string, credentials: TwilioCredentials | null): Promise<void> {
  await db.updateTable('tenants').set({ twilio_account_sid: credentials?.accountSid ?? null }).where('id', '=', tenantId).execute();
  if (!credentials) return dropSecret(db, tenantId, secretNames.twilioAuthToken);
  if (!box) throw new Error("SECRETS_KEY is not set: a tenant's own credentials cannot be stored");
  await sealSecret(db, box, tenantId, secretNames.twilioAuthToken, credentials.authToken);
}

/**
 * The tenant's own Twilio account, or null when it uses the deployment's. Throws SecretUnreadable when its token
 * does not open with SECRETS_KEY (or SECRETS_KEY is unset), rather than falling back to another account.
 */
export async function twilioAccountOf(db: Kysely<Database>, box: SecretBox | null, tenantId: string): Promise<TwilioCredentials | null> {
  // One read: the SID and the token as one change left them.
  const row = await db
    .selectFrom('tenants')
    .leftJoin('tenant_secrets', (join) => join.onRef('tenant_secrets.tenant_id', '=', 'tenants.id').on('tenant_secrets.name', '=', secretNames.twilioAuthToken))
    .select(['tenants.twilio_account_sid', 'tenant_secrets.key_id', 'tenant_secrets.sealed'])
    .where('tenants.id', '=', tenantId)
    .executeTakeFirst();
  if (!row?.twilio_account_sid) return null;
  if (!row.key_id || !row.sealed) throw new SecretUnreadable(`tenant ${tenantId} has an Account SID but no auth token`);
  return { accountSid: row.twilio_account_sid, authToken: openSealed(box, tenantId, secretNames.twilioAuthToken, { key_id: row.key_id, sealed: row.sealed }) };
}
