import type { Kysely } from 'kysely';

/**
 * Tenants managed by an operator (`/api/admin/tenants`): one deleted is kept, with its conversations, for retention;
 * its numbers are released and its agents no longer sign in.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('deleted_at', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').dropColumn('deleted_at').execute();
}
