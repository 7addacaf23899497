import type { Kysely } from 'kysely';
import { SecretUnreadable, type SecretBox } from '../../config/secrets';
import type { Database } from '../schema';
import { dropSecret, openSecret, sealSecret, secretNames } from './tenant-secrets';

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
  const tenant = await db.selectFrom('tenants').select('twilio_account_sid').where('id', '=', tenantId).executeTakeFirst();
  if (!tenant?.twilio_account_sid) return null;
  const authToken = await openSecret(db, box, tenantId, secretNames.twilioAuthToken);
  if (authToken === null) throw new SecretUnreadable(`tenant ${tenantId} has an Account SID but no auth token`);
  return { accountSid: tenant.twilio_account_sid, authToken };
}
