import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Campaign, CampaignMessage, CampaignRecipient, CampaignSkip, CampaignStatus, Database } from '../schema';

/** One person of an audience as the campaign keeps them: their number checked, a repeat or an invalid one marked. */
export interface NewRecipient {
  given: string;
  phone: string | null;
  name: string | null;
  variables: Record<string, string>;
  skipped: Extract<CampaignSkip, 'duplicate' | 'invalid'> | null;
}

export interface NewCampaign {
  tenantId: string;
  projectId: string;
  channel: 'sms' | 'whatsapp';
  sender: string;
  message: CampaignMessage;
  ratePerSecond: number;
  sendAt: Date;
  createdBy: string | null;
}

/** Rows per insert: seven parameters each, well under PostgreSQL's 65,535. */
const insertSlice = 5000;

export async function createCampaign(db: Kysely<Database>, campaign: NewCampaign, audience: NewRecipient[]): Promise<Campaign> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('campaigns')
      .values({
        id: `cmp_${randomBytes(8).toString('hex')}`,
        tenant_id: campaign.tenantId,
        project_id: campaign.projectId,
        channel: campaign.channel,
        sender: campaign.sender,
        message: JSON.stringify(campaign.message),
        rate_per_second: campaign.ratePerSecond,
        send_at: campaign.sendAt,
        created_by: campaign.createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    for (let start = 0; start < audience.length; start += insertSlice) {
      const slice = audience.slice(start, start + insertSlice).map((person, index) => ({
        campaign_id: row.id,
        position: start + index,
        given: person.given,
        phone: person.phone,
        name: person.name,
        variables: JSON.stringify(person.variables),
        skipped: person.skipped,
      }));
      await trx.insertInto('campaign_recipients').values(slice).execute();
    }
    return row;
  });
}

export async function getCampaign(db: Kysely<Database>, tenantId: string, id: string): Promise<Campaign | undefined> {
  return db.selectFrom('campaigns').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export async function listCampaigns(db: Kysely<Database>, tenantId: string, limit: number): Promise<Campaign[]> {
  return db.selectFrom('campaigns').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

export async function setCampaignStatus(db: Kysely<Database>, id: string, status: CampaignStatus): Promise<void> {
  const finished = status === 'done' || status === 'cancelled';
  await db
    .updateTable('campaigns')
    .set({ status, ...(finished ? { finished_at: sql`coalesce(finished_at, now())` } : {}) })
    .where('id', '=', id)
    .execute();
}

/** The next people to write to, in the order given, from `position` on. */
export async function recipientsFrom(db: Kysely<Database>, campaignId: string, position: number, limit: number): Promise<CampaignRecipient[]> {
  return db
    .selectFrom('campaign_recipients')
    .selectAll()
    .where('campaign_id', '=', campaignId)
    .where('position', '>=', position)
    .where('skipped', 'is', null)
    .orderBy('position')
    .limit(limit)
    .execute();
}

export async function skipRecipient(db: Kysely<Database>, campaignId: string, position: number, reason: CampaignSkip): Promise<void> {
  await db.updateTable('campaign_recipients').set({ skipped: reason }).where('campaign_id', '=', campaignId).where('position', '=', position).execute();
}

export async function recipientSent(db: Kysely<Database>, campaignId: string, position: number, sent: { messageId: string; conversationId: string }): Promise<void> {
  await db
    .updateTable('campaign_recipients')
    .set({ message_id: sent.messageId, conversation_id: sent.conversationId, sent_at: sql`coalesce(sent_at, now())` })
    .where('campaign_id', '=', campaignId)
    .where('position', '=', position)
    .execute();
}

/** How far the campaign got: read from its recipients and the messages they were sent as. */
export interface CampaignCounts {
  audience: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  replied: number;
  skipped: { duplicate: number; invalid: number; opted_out: number };
}

export async function campaignCounts(db: Kysely<Database>, campaignId: string): Promise<CampaignCounts> {
  const row = await db
    .selectFrom('campaign_recipients as r')
    .leftJoin('messages as m', 'm.id', 'r.message_id')
    .select([
      sql<number>`count(*)::int`.as('audience'),
      sql<number>`count(*) filter (where r.skipped is null and r.message_id is null)::int`.as('queued'),
      sql<number>`count(*) filter (where r.message_id is not null and m.status not in ('failed', 'undelivered'))::int`.as('sent'),
      sql<number>`count(*) filter (where m.status in ('delivered', 'read'))::int`.as('delivered'),
      sql<number>`count(*) filter (where m.status in ('failed', 'undelivered'))::int`.as('failed'),
      sql<number>`count(*) filter (where r.message_id is not null and exists (
        select 1 from messages reply where reply.conversation_id = r.conversation_id and reply.direction = 'inbound' and reply.created_at > r.sent_at))::int`.as('replied'),
      sql<number>`count(*) filter (where r.skipped = 'duplicate')::int`.as('duplicate'),
      sql<number>`count(*) filter (where r.skipped = 'invalid')::int`.as('invalid'),
      sql<number>`count(*) filter (where r.skipped = 'opted_out')::int`.as('opted_out'),
    ])
    .where('r.campaign_id', '=', campaignId)
    .executeTakeFirstOrThrow();
  const { duplicate, invalid, opted_out, ...counts } = row;
  return { ...counts, skipped: { duplicate, invalid, opted_out } };
}

/** The conversation enters the campaign's project now (the outreach that reached the person last). */
export async function enterProject(db: Kysely<Database>, conversation: { id: string; tenantId: string; contactKey: string; channel: string }, projectId: string): Promise<void> {
  await db
    .insertInto('conversations')
    .values({
      id: conversation.id,
      tenant_id: conversation.tenantId,
      contact_key: conversation.contactKey,
      last_channel: conversation.channel,
      channels: [],
      last_message_at: sql`now()`,
      message_count: 0,
      project_id: projectId,
      project_since: sql`now()`,
    })
    .onConflict((oc) => oc.column('id').doUpdateSet({ project_id: projectId, project_since: sql`now()` }))
    .execute();
}
