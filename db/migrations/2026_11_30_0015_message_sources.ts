import type { Kysely } from 'kysely';

/**
 * The knowledge-base documents an AI reply cited (`[{ documentId, title, url }]`); an empty list marks an answer to a
 * question of fact given without any passage; null: not an answer of that kind (a greeting, an agent's message).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('sources', 'jsonb').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('sources').execute();
}
