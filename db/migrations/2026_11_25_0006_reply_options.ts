import type { Kysely } from 'kysely';

/** The buttons a web chat reply carried (quick replies, links), and the page a knowledge document comes from. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('options', 'jsonb').execute();
  await db.schema.alterTable('knowledge_documents').addColumn('url', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('knowledge_documents').dropColumn('url').execute();
  await db.schema.alterTable('messages').dropColumn('options').execute();
}
