import type { Kysely } from 'kysely';

/**
 * Where a conversation's summary stops: the next summary folds in only the messages after it, instead of the last
 * 200 again.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('summarized_until', 'timestamptz').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').dropColumn('summarized_until').execute();
}
