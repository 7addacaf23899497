import { sql, type Kysely } from 'kysely';

/** Who the assistant is for each tenant (`Persona`): name, tone, business profile, extra instructions, template. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('persona', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').dropColumn('persona').execute();
}
