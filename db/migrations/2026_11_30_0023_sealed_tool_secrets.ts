import type { Kysely } from 'kysely';

/**
 * A declared API's signing secret is sealed in `tenant_secrets` when SECRETS_KEY is set: its column keeps one only
 * where the service has no key (and until the next start with one seals it).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('http_tools').alterColumn('secret', (c) => c.dropNotNull()).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const sealed = await db.selectFrom('http_tools').select('name').where('secret', 'is', null).execute();
  if (sealed.length > 0) throw new Error(`declared APIs' secrets are sealed (${sealed.map((t) => t.name).join(', ')}): remove those tools before going back`);
  await db.schema.alterTable('http_tools').alterColumn('secret', (c) => c.setNotNull()).execute();
}
