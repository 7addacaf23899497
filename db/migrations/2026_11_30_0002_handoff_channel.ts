import type { Kysely } from 'kysely';

/** The channel a handoff was opened on (a call, a chat): how agents see it, whatever the person uses next. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('handoff_tasks').addColumn('channel', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('handoff_tasks').dropColumn('channel').execute();
}
