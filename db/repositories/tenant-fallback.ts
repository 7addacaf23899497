import type { Kysely } from 'kysely';
import type { SecretBox } from '../../config/secrets';
import type { Database, TenantFallback } from '../schema';
import { dropSecret, sealSecret, secretNames } from './tenant-secrets';

/**
 * Sets the tenant's own fallback model, its key sealed with `box` (kept with the rest only where the service has no
 * key), or removes it (`null`).
 */
export async function setTenantFallback(db: Kysely<Database>, box: SecretBox | null, tenantId: string, fallback: Required<TenantFallback> | null): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const kept: TenantFallback | null = fallback && (box ? { baseUrl: fallback.baseUrl, model: fallback.model } : fallback);
    await trx.updateTable('tenants').set({ llm_fallback: kept && JSON.stringify(kept) }).where('id', '=', tenantId).execute();
    if (fallback && box) await sealSecret(trx, box, tenantId, secretNames.fallbackApiKey, fallback.apiKey);
    else await dropSecret(trx, tenantId, secretNames.fallbackApiKey);
  });
}
