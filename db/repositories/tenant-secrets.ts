import { sql, type Kysely } from 'kysely';
import { SecretUnreadable, type SecretBox } from '../../config/secrets';
import type { Database } from '../schema';

/** The names a tenant's secrets are kept under. */
export const secretNames = {
  twilioAuthToken: 'twilio_auth_token',
  fallbackApiKey: 'llm_fallback_api_key',
  toolSecret: (tool: string) => `tool:${tool}`,
};

/** What a sealed secret is bound to: moved to another tenant or name, it does not open. */
function secretContext(tenantId: string, name: string): string {
  return `tenant:${tenantId}:${name}`;
}

/** Seals `plain` with SECRETS_KEY's first key as the tenant's secret `name`, over any it had. */
export async function sealSecret(db: Kysely<Database>, box: SecretBox, tenantId: string, name: string, plain: string): Promise<void> {
  const { keyId, sealed } = box.seal(plain, secretContext(tenantId, name));
  await db
    .insertInto('tenant_secrets')
    .values({ tenant_id: tenantId, name, key_id: keyId, sealed })
    .onConflict((oc) => oc.columns(['tenant_id', 'name']).doUpdateSet({ key_id: keyId, sealed, updated_at: sql`now()` }))
    .execute();
}

/** A sealed secret as read from its row, opened. Throws SecretUnreadable when no key SECRETS_KEY lists opens it (or SECRETS_KEY is unset). */
export function openSealed(box: SecretBox | null, tenantId: string, name: string, row: { key_id: string; sealed: string }): string {
  if (!box) throw new SecretUnreadable('SECRETS_KEY is not set');
  return box.open({ keyId: row.key_id, sealed: row.sealed }, secretContext(tenantId, name));
}

/** The tenant's secret `name`, opened (`openSealed`); null when it has none. */
export async function openSecret(db: Kysely<Database>, box: SecretBox | null, tenantId: string, name: string): Promise<string | null> {
  const row = await db.selectFrom('tenant_secrets').select(['key_id', 'sealed']).where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
  return row ? openSealed(box, tenantId, name, row) : null;
}

export async function dropSecret(db: Kysely<Database>, tenantId: string, name: string): Promise<void> {
  await db.deleteFrom('tenant_secrets').where('tenant_id', '=', tenantId).where('name', '=', name).execute();
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

/**
 * Seals the secrets kept in the clear while the service had no SECRETS_KEY (declared APIs' signing secrets, tenants'
 * own fallback keys) and clears them where they were. Run at start by every process with a key; each secret is
 * moved in one transaction, so two processes at once seal it once.
 */
export async function sealPlainSecrets(db: Kysely<Database>, box: SecretBox): Promise<number> {
  let sealed = 0;
  const tools = await db.selectFrom('http_tools').select(['tenant_id', 'name']).where('secret', 'is not', null).execute();
  for (const tool of tools) {
    await db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('http_tools').select('secret').where('tenant_id', '=', tool.tenant_id).where('name', '=', tool.name).forUpdate().executeTakeFirst();
      if (!row?.secret) return;
      await sealSecret(trx, box, tool.tenant_id, secretNames.toolSecret(tool.name), row.secret);
      await trx.updateTable('http_tools').set({ secret: null }).where('tenant_id', '=', tool.tenant_id).where('name', '=', tool.name).execute();
      sealed += 1;
    });
  }
  const tenants = await db.selectFrom('tenants').select('id').where(sql<boolean>`llm_fallback ? 'apiKey'`).execute();
  for (const tenant of tenants) {
    await db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('tenants').select('llm_fallback').where('id', '=', tenant.id).forUpdate().executeTakeFirst();
      const apiKey = row?.llm_fallback?.apiKey;
      if (!row?.llm_fallback || !apiKey) return;
      await sealSecret(trx, box, tenant.id, secretNames.fallbackApiKey, apiKey);
      const { baseUrl, model } = row.llm_fallback;
      await trx.updateTable('tenants').set({ llm_fallback: JSON.stringify({ baseUrl, model }) }).where('id', '=', tenant.id).execute();
      sealed += 1;
    });
  }
  return sealed;
}

/** How many secrets are kept in the clear (no SECRETS_KEY when they were set): said at start. */
export async function plainSecretCount(db: Kysely<Database>): Promise<number> {
  const [tools, fallbacks] = await Promise.all([
    db.selectFrom('http_tools').select((eb) => eb.fn.countAll<string>().as('n')).where('secret', 'is not', null).executeTakeFirstOrThrow(),
    db.selectFrom('tenants').select((eb) => eb.fn.countAll<string>().as('n')).where(sql<boolean>`llm_fallback ? 'apiKey'`).executeTakeFirstOrThrow(),
  ]);
  return Number(tools.n) + Number(fallbacks.n);
}
