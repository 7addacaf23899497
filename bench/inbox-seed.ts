import type pg from 'pg';

/**
 * Words the seeded conversations are written in, most common first: a message draws each word with a skew towards
 * the front (`order` is in about a quarter of the messages, the last words in a handful), so a search for a common
 * word has many matches to weigh and a search for a rare one few.
 */
const vocabulary = `order delivery thanks please help today tomorrow time booking table refund payment card
account address change cancel question price open hours week weekend morning evening status tracking parcel
package shipping return exchange size colour color stock available appointment reschedule confirm confirmation
reference invoice receipt discount code voucher gift subscription plan upgrade downgrade billing charge charged
twice wrong missing damaged broken late early arrive arrived courier driver door floor building apartment street
city postcode phone email number message reply call callback agent person human manager complaint issue problem
error login password reset app website checkout basket cart item items product products quantity large small
medium menu allergy gluten vegan vegetarian dairy nuts reservation party guests birthday anniversary dinner lunch
breakfast brunch private room terrace garden parking wheelchair access dog pets children kids highchair window
seat quiet music table-for-two cake candles flowers wine champagne cocktail dessert starter main side sauce spicy
mild hot cold warm fresh frozen organic local seasonal special offer promotion loyalty points member membership
card-details bank transfer cash deposit balance overdue reminder schedule calendar slot slots available-slots
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december holiday closed closing opening location branch store shop warehouse pickup
collect collection drop-off locker neighbour signature photo picture proof label barcode scan warranty repair
technician install installation setup manual instructions battery charger cable screen keyboard mouse printer
laptop tablet headphones speaker camera lens tripod bag backpack suitcase jacket shoes boots trousers shirt dress
skirt socks gloves scarf hat ring necklace bracelet watch strap glasses contact-lenses prescription pharmacy
doctor clinic dentist therapist massage haircut colouring manicure pedicure facial treatment session course
lesson class trainer gym yoga pilates swimming pool sauna locker-room towel shower membership-card guest-pass
trial cancelled pending approved declined processing shipped dispatched delayed lost found replaced refunded
credited compensation apology sorry great perfect lovely brilliant excellent awful terrible slow quick fast
friendly rude helpful unhelpful again still already soon later asap urgent emergency minute minutes hour
kitchen chef waiter waitress bartender host receptionist staff team owner`.split(/\s+/);

/** Names agents wrote in the contact panel or web visitors gave; `Okafor` is one the bench searches for. */
const firstNames = 'Ada Ben Chloe Dmitri Elena Farid Grace Hugo Ines Jonas Kemi Liam Maya Noor Oscar Priya Quinn Rosa Sami Tara Uma Victor Wen Yusuf Zoe'.split(' ');
const lastNames = 'Okafor Smith Garcia Nguyen Kowalski Haddad Rossi Tanaka Silva Murphy Dubois Patel Novak Larsen Moreau Costa Jensen Becker Ali Walsh Ivanova Okoye Fischer Morales Chen'.split(' ');

export const inboxSearchTerms = {
  /** In about a quarter of all messages. */
  commonWord: vocabulary[0] ?? 'order',
  /** In one conversation in a thousand, in no other. */
  rareWord: 'kumquat',
  /** A contact's or visitor's surname: one named person in 25. */
  name: lastNames[0] ?? 'Okafor',
};

/**
 * Seeds people `from` to `to - 1` of `tenantId`'s inbox in bulk (`insert … select generate_series`): a
 * conversation each (15 % web visitors, the rest E.164 numbers, one in nine British, on SMS, WhatsApp or voice,
 * some on two of them), 8–12 messages each, a contact each (a fifth named by an agent, a tenth with an e-mail), web
 * visitors (two thirds named, a third with an e-mail; and 2 % of the numbers' people, who proved theirs in the
 * chat), handoffs (1 % waiting, 2.5 % with an agent, 4 % resolved), opt-outs (2 %), approvals (1.7 % pending), a
 * third of the runs closed. Deterministic in who has what; the words and times are random. `agentId` is the agent
 * who holds the claimed handoffs.
 */
export async function seedInbox(client: pg.ClientBase, tenantId: string, agentId: string, from: number, to: number): Promise<void> {
  const run = (text: string, values: unknown[] = []) => client.query(text, values);
  await run('drop table if exists inbox_seed');
  await run(
    `create temp table inbox_seed as
     select i,
       case when i % 20 < 3 then 'web' when i % 20 < 11 then 'sms' when i % 20 < 16 then 'whatsapp' else 'voice' end as channel,
       case when i % 20 < 3 then 'web:wv_bench_' || i
            when i % 9 = 0 then '+447' || lpad(((i::bigint * 7919) % 1000000000)::text, 9, '0')
            else '+1' || (201 + (i * 13) % 780)::text || lpad(((i::bigint * 7919) % 10000000)::text, 7, '0') end as contact_key,
       8 + i % 5 as message_count,
       now() - random() * interval '120 days' as last_message_at
     from generate_series($1::int, $2::int - 1) i`,
    [from, to],
  );
  await run(`alter table inbox_seed add column id text, add column channels text[]`);
  // Every seventh person with a number also used a second channel (kept in the service's channel order).
  await run(
    `update inbox_seed set id = 'conversation:' || $1 || ':' || contact_key,
       channels = case when channel <> 'web' and i % 7 = 0
         then array(select ch from unnest(array['sms', 'whatsapp', 'voice']) with ordinality u(ch, n)
                    where ch in (channel, case when channel = 'voice' then 'sms' else 'voice' end) order by n)
         else array[channel] end`,
    [tenantId],
  );
  await run(
    `insert into conversations (id, tenant_id, contact_key, last_channel, channels, message_count, last_message_at, closed_at, created_at)
     select id, $1, contact_key, channel, channels, message_count + case when i % 25 = 3 then 1 else 0 end, last_message_at,
       case when i % 3 = 0 then last_message_at + interval '30 minutes' end, last_message_at - random() * interval '60 days'
     from inbox_seed`,
    [tenantId],
  );
  await run(
    `insert into contacts (tenant_id, contact_key, phone, name, email)
     select $1, contact_key, case when channel <> 'web' then contact_key end,
       case when channel <> 'web' and i % 4 = 0 then ($2::text[])[1 + (i * 7) % cardinality($2::text[])] || ' ' || ($3::text[])[1 + (i / 4 + 3) % cardinality($3::text[])] end,
       case when channel <> 'web' and i % 8 = 0 then lower(($2::text[])[1 + (i * 7) % cardinality($2::text[])]) || '.' || i || '@example.com' end
     from inbox_seed`,
    [tenantId, firstNames, lastNames],
  );
  // The web visitors behind the `web:` conversations, and people who chatted on the site and then proved their number.
  await run(
    `insert into web_visitors (id, tenant_id, secret_hash, name, email, phone, linked_phone)
     select case when channel = 'web' then 'wv_bench_' || i else 'wv_bench_linked_' || i end, $1, md5($1 || ':' || i),
       case when i % 2 = 0 or channel <> 'web' then ($2::text[])[1 + (i * 3) % cardinality($2::text[])] || ' ' || ($3::text[])[1 + (i / 2) % cardinality($3::text[])] end,
       case when i % 5 = 0 then 'visitor' || i || '@example.org' end,
       null, case when channel <> 'web' then contact_key end
     from inbox_seed where channel = 'web' or i % 50 = 7`,
    [tenantId, firstNames, lastNames],
  );
  // Customer and assistant in turn; the last word of a conversation with an agent is the agent's. The body's words are
  // drawn per row (the subquery names the row's columns, so it is not run once for all).
  await run(
    `insert into messages (id, conversation_id, tenant_id, direction, author, channel, from_address, to_address, body, status, created_at, updated_at)
     select 'bench:' || s.i || ':' || m, s.id, $1,
       case when m % 2 = 1 then 'inbound' else 'outbound' end,
       case when m % 2 = 1 then 'customer' when m = s.message_count and s.i % 40 = 2 then 'agent' else 'ai' end,
       s.channel,
       case when m % 2 = 1 then s.contact_key else '+15550100001' end,
       case when m % 2 = 1 then '+15550100001' else s.contact_key end,
       (select string_agg(($2::text[])[1 + floor(power(random(), 1.7) * cardinality($2::text[]))::int], ' ')
        from generate_series(1, 4 + (s.i + m * 7) % 13) w)
         || case when m = 3 and s.i % 5 = 0 then ' #' || (10000 + (s.i * 31) % 90000) else '' end
         || case when m = 3 and s.i % 1000 = 7 then ' ${inboxSearchTerms.rareWord}' else '' end,
       case when m % 2 = 1 then 'received' else 'delivered' end,
       s.last_message_at - (s.message_count - m) * interval '3 minutes',
       s.last_message_at - (s.message_count - m) * interval '3 minutes'
     from inbox_seed s cross join lateral generate_series(1, s.message_count) m`,
    [tenantId, vocabulary],
  );
  // A resolved handoff leaves a note for the assistant, which the inbox's preview skips.
  await run(
    `insert into messages (id, conversation_id, tenant_id, direction, author, channel, from_address, to_address, body, status, created_at, updated_at)
     select 'bench:' || i || ':note', id, $1, 'internal', 'system', channel, '', '', 'Resolved by an agent: refund issued', 'recorded',
       last_message_at - interval '1 minute', last_message_at - interval '1 minute'
     from inbox_seed where i % 25 = 3`,
    [tenantId],
  );
  await run(
    `insert into handoff_tasks (id, tenant_id, conversation_id, reason, status, claimed_by, escalated_at, deadline, channel, resolution_note, claimed_at, created_at, updated_at)
     select 'handoff:bench:' || i || ':' || t.status, $1, s.id, 'asked for a person', t.status,
       case when t.status in ('claimed', 'resolved') then $2::uuid end,
       case when t.status = 'escalated' then s.last_message_at end,
       s.last_message_at + interval '15 minutes', s.channel,
       case when t.status = 'resolved' then 'refund issued' end,
       case when t.status in ('claimed', 'resolved') then s.last_message_at end,
       s.last_message_at - interval '10 minutes', s.last_message_at
     from inbox_seed s
     join (values ('open', 200, 1), ('escalated', 200, 101), ('claimed', 40, 2), ('resolved', 25, 3)) t(status, every, at)
       on s.i % t.every = t.at`,
    [tenantId, agentId],
  );
  await run(
    `insert into opt_outs (tenant_id, contact_key, channel, reason)
     select $1, contact_key, channel, 'STOP' from inbox_seed where channel in ('sms', 'whatsapp') and i % 33 = 4`,
    [tenantId],
  );
  await run(
    `insert into approvals (id, tenant_id, conversation_id, tool, arguments, arguments_hash, status, deadline, created_at, decided_at)
     select 'approval:bench:' || i, $1, id, 'create_booking', '{"slot_id":"bench-slot","name":"Bench"}', md5(i::text),
       case when i % 60 = 5 then 'pending' else 'approved' end, last_message_at + interval '1 day', last_message_at,
       case when i % 60 <> 5 then last_message_at + interval '5 minutes' end
     from inbox_seed where i % 60 = 5 or i % 20 = 6`,
    [tenantId],
  );
  await run('drop table inbox_seed');
  // What autovacuum leaves in a steady state: statistics, the visibility map, and the full-text index's pending list
  // merged (a bulk insert leaves up to 4 MB of it for every search to read sequentially).
  await run('vacuum (analyze) conversations, messages, contacts, web_visitors, handoff_tasks, opt_outs, approvals');
}
