import { sql, type Kysely } from 'kysely';

/**
 * Channels and service texts: every channel a conversation used (for the `Channels` search attribute), the
 * tenant's own wording of the texts the service sends (help among them), and handoff tasks without activity task
 * tokens (the workflow resolves them through an update).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('texts', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`)).execute();
  await sql`update tenants set texts = jsonb_build_object('help', help_text) where help_text <> ''`.execute(db);
  await db.schema.alterTable('tenants').dropColumn('help_text').execute();

  await db.schema
    .alterTable('conversations')
    .addColumn('channels', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
  await sql`
    update conversations c
    set channels = coalesce((
      select array_agg(distinct m.channel order by m.channel) from messages m
      where m.conversation_id = c.id and m.direction = 'inbound'
    ), '{}')
  `.execute(db);

  await db.schema.alterTable('handoff_tasks').dropColumn('task_token').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('handoff_tasks').addColumn('task_token', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('conversations').dropColumn('channels').execute();
  await db.schema.alterTable('tenants').addColumn('help_text', 'text', (c) => c.notNull().defaultTo('')).execute();
  await sql`update tenants set help_text = coalesce(texts->>'help', '')`.execute(db);
  await db.schema.alterTable('tenants').dropColumn('texts').execute();
}
