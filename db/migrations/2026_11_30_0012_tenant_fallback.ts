import type { Kysely } from 'kysely';

/** A tenant's own fallback model (`{ baseUrl, apiKey, model }`), used before the service's LLM_FALLBACK_*. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('llm_fallback', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').dropColumn('llm_fallback').execute();
}
