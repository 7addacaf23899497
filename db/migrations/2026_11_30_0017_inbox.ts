import { sql, type Kysely } from 'kysely';

/**
 * The inbox: every conversation, found fast and kept live.
 * - Messages by tenant and time, for analytics.
 * - Conversations are paged newest activity first by (last_message_at, id), and found by any run of a phone number's
 *   digits (trigrams of the contact key's digits) or by words in their messages (full text, `simple`: no language's
 *   stemming, since customers write in many).
 * - `closed_at`: the conversation's run ended (idle, or an agent closed it); a new message clears it.
 * - A contact's name, e-mail, tags and a note the assistant reads, kept by agents.
 * - A handoff's `claimed_at` (how long people took) and `kind` (`takeover`: an agent joined without being asked).
 * - `agent_events`: the events agents' screens follow, numbered, so a stream that reconnects catches up from the last
 *   one it saw (Last-Event-ID). Kept a day.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('closed_at', 'timestamptz').execute();
  await sql`create index conversations_tenant_page on conversations (tenant_id, last_message_at desc, id desc)`.execute(db);
  // A person found by name or e-mail is found by their key (contacts, web visitors).
  await db.schema.createIndex('conversations_tenant_contact').on('conversations').columns(['tenant_id', 'contact_key']).execute();
  await sql`create index conversations_contact_digits on conversations using gin ((regexp_replace(contact_key, '[^0-9]', '', 'g')) gin_trgm_ops)`.execute(db);
  await sql`create index messages_words on messages using gin (to_tsvector('simple', body))`.execute(db);
  // Analytics read a tenant's messages by day.
  await db.schema.createIndex('messages_tenant_time').on('messages').columns(['tenant_id', 'created_at']).execute();

  await db.schema
    .alterTable('contacts')
    .addColumn('name', 'text')
    .addColumn('email', 'text')
    .addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('note', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .alterTable('handoff_tasks')
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('handoff').check(sql`kind in ('handoff', 'takeover')`))
    .execute();
  await sql`create index handoff_tasks_active on handoff_tasks (conversation_id) where status in ('open', 'escalated', 'claimed')`.execute(db);
  await sql`create index approvals_pending on approvals (conversation_id) where status = 'pending'`.execute(db);

  await db.schema
    .createTable('agent_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`clock_timestamp()`))
    .execute();
  await db.schema.createIndex('agent_events_tenant').on('agent_events').columns(['tenant_id', 'id']).execute();
  await db.schema.createIndex('agent_events_time').on('agent_events').column('created_at').execute();
  // Logs the event, then notifies it with its number: on the tenants' channel and on the conversation's own. Called
  // from inside the statement that makes the change, so both happen when (and only if) it commits.
  await sql`
    create function publish_agent_event(payload jsonb, conversation_channel text) returns bigint
    language plpgsql as $$
    declare
      event_id bigint;
      numbered text;
    begin
      insert into agent_events (tenant_id, payload) values (payload->>'tenantId', payload) returning id into event_id;
      numbered := (payload || jsonb_build_object('eventId', event_id))::text;
      perform pg_notify('conversation_events', numbered);
      perform pg_notify(conversation_channel, numbered);
      -- About one write in a thousand clears some of what is over a day old (found by its index, a bounded number of
      -- rows no one reads any more): the log stays small without a scheduled job, and no write waits long for it.
      if random() < 0.001 then
        delete from agent_events where id in (
          select id from agent_events where created_at < now() - interval '1 day' order by created_at limit 5000);
      end if;
      return event_id;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function publish_agent_event(jsonb, text)`.execute(db);
  await db.schema.dropTable('agent_events').execute();
  await sql`drop index approvals_pending`.execute(db);
  await sql`drop index handoff_tasks_active`.execute(db);
  await db.schema.alterTable('handoff_tasks').dropColumn('claimed_at').dropColumn('kind').execute();
  await db.schema.alterTable('contacts').dropColumn('name').dropColumn('email').dropColumn('tags').dropColumn('note').dropColumn('updated_at').execute();
  await sql`drop index messages_tenant_time`.execute(db);
  await sql`drop index messages_words`.execute(db);
  await sql`drop index conversations_contact_digits`.execute(db);
  await sql`drop index conversations_tenant_contact`.execute(db);
  await sql`drop index conversations_tenant_page`.execute(db);
  await db.schema.alterTable('conversations').dropColumn('closed_at').execute();
}
