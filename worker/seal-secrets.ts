import type { Kysely } from 'kysely';
import type { Logger } from '../config/logger';
import type { SecretBox } from '../config/secrets';
import { plainSecretCount, resealSecrets, sealPlainSecrets } from '../db/repositories/tenant-secrets';
import type { Database } from '../db/schema';

/**
 * At start: with SECRETS_KEY, seals what was kept in the clear without one and seals again what an older key sealed;
 * without it, says how many tenants' secrets are kept unencrypted.
 */
export async function sealTenantSecrets(db: Kysely<Database>, box: SecretBox | null, log: Logger): Promise<void> {
  if (!box) {
    const plain = await plainSecretCount(db);
    if (plain > 0) log.warn('SECRETS_KEY is not set: tenants\' API signing secrets and fallback model keys are kept unencrypted; set it and they are sealed at the next start', { plain });
    const sealed = await db.selectFrom('tenant_secrets').select('tenant_id').distinct().execute();
    if (sealed.length > 0) log.error('SECRETS_KEY is not set: tenants\' sealed secrets cannot be opened (their Twilio accounts, declared APIs and fallback models are refused) until it is', { tenants: sealed.map((s) => s.tenant_id) });
    return;
  }
  const sealed = await sealPlainSecrets(db, box);
  if (sealed > 0) log.info('tenant secrets kept unencrypted are sealed with SECRETS_KEY', { sealed });
  const { resealed, unreadable } = await resealSecrets(db, box);
  if (resealed > 0) log.info('tenant secrets sealed again with the first SECRETS_KEY key', { resealed });
  if (unreadable.length > 0) log.error('tenant secrets no SECRETS_KEY key opens: set them again', { tenants: unreadable });
}
