import { sql, type Kysely } from 'kysely';

/**
 * Phone calls: one row per call (what Twilio's webhooks and the relay session tell), one per spoken turn with its
 * timing, the tenant's voice settings, and what a caller heard of a reply they interrupted.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('voice', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`)).execute();

  await db.schema
    .createTable('calls')
    .addColumn('call_sid', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    // The conversation's row may not exist yet when a first-time caller rings; it does by the first turn.
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('contact_key', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text')
    .addColumn('session_status', 'text')
    .addColumn('handoff_data', 'jsonb')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('duration_seconds', 'integer')
    .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('connected_at', 'timestamptz')
    .addColumn('ended_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('calls_conversation').on('calls').columns(['conversation_id', 'started_at']).execute();

  await db.schema
    .createTable('call_turns')
    .addColumn('call_sid', 'text', (c) => c.notNull().references('calls.call_sid').onDelete('cascade'))
    .addColumn('turn_id', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('prompt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('first_token_at', 'timestamptz')
    .addColumn('last_token_at', 'timestamptz')
    .addColumn('interrupted_at', 'timestamptz')
    .addPrimaryKeyConstraint('call_turns_pkey', ['call_sid', 'turn_id'])
    .execute();

  // A spoken reply the caller cut off: `body` keeps what they heard, `full_body` what the model had written.
  await db.schema.alterTable('messages').addColumn('full_body', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('full_body').execute();
  await db.schema.dropTable('call_turns').execute();
  await db.schema.dropTable('calls').execute();
  await db.schema.alterTable('tenants').dropColumn('voice').execute();
}
