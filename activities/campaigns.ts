import { ApplicationFailure, CancelledFailure, Context, sleep } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import type { SendMessageInput, SendMessageResult } from './outbound';
import { conversationWorkflowId } from '../domain/conversation-key';
import { fillTemplate } from '../domain/whatsapp-template';
import { optedOutExpression } from '../db/repositories/contacts';
import { enterProject, recipientSent, recipientsFrom, setCampaignStatus, skipRecipient } from '../db/repositories/campaigns';
import { numbersOfTenant } from '../db/repositories/tenant-admin';
import type { Campaign, CampaignRecipient, CampaignStatus } from '../db/schema';

/**
 * How much one activity sends before handing back to its workflow (which may have been paused or cancelled): about
 * two seconds of its pace, and at most 50 people.
 */
const sliceMs = 2_000;
const sliceMax = 50;

export interface SendCampaignSliceInput {
  campaignId: string;
  /** The position to go on from: the first one not yet handled. */
  from: number;
}

export interface SendCampaignSliceResult {
  /** Where the next slice starts; null: everyone was handled. */
  next: number | null;
  /** The campaign cannot go on: its sending number is no longer the tenant's. */
  stopped?: 'sender_gone';
}

export function campaignActivities({ db }: ActivityDeps, sendMessage: (input: SendMessageInput) => Promise<SendMessageResult>) {
  /**
   * Writes to one person: skipped if they opted out of the channel, else one outbox row, sent once whatever is
   * retried. Whether a message went to the channel (what the pace counts).
   */
  async function writeTo(campaign: Campaign, person: CampaignRecipient & { phone: string }): Promise<boolean> {
    const key = { tenantId: campaign.tenant_id, contactKey: person.phone };
    const optedOut = await db.selectNoFrom(optedOutExpression({ ...key, channel: campaign.channel }).as('out')).executeTakeFirstOrThrow();
    if (optedOut.out) {
      await skipRecipient(db, campaign.id, person.position, 'opted_out');
      return false;
    }
    const conversationId = conversationWorkflowId(key);
    // The person's conversation is in the project from this outreach on: their reply is answered in its context.
    await enterProject(db, { id: conversationId, ...key, channel: campaign.channel }, campaign.project_id);
    const prefix = campaign.channel === 'whatsapp' ? 'whatsapp:' : '';
    const message = campaign.message;
    const variables = 'contentSid' in message ? { ...message.variables, ...person.variables } : {};
    const text = 'contentSid' in message ? fillTemplate(message.body, variables) : message.body;
    const outboxId = `campaign:${campaign.id}:${person.position}`;
    try {
      await sendMessage({
        outboxId,
        conversationId,
        tenantId: campaign.tenant_id,
        contactKey: person.phone,
        target: { channel: campaign.channel, address: `${prefix}${person.phone}`, sender: `${prefix}${campaign.sender}` },
        delivery: { text, author: 'agent', ...('contentSid' in message ? { template: { contentSid: message.contentSid, variables } } : {}) },
      });
    } catch (error) {
      // A final refusal (an unreachable number, an account Twilio refuses) is recorded on the message: counted as
      // failed. Anything else is retried.
      if (!(error instanceof ApplicationFailure) || error.type !== 'SendRejected') throw error;
    }
    await recipientSent(db, campaign.id, person.position, { messageId: outboxId, conversationId });
    return true;
  }

  return {
    /**
     * Sends the campaign's next people (at most 50, or about two seconds of its pace), paced to its rate, and then
     * waits out the pace after its last send, so slices one after another keep the rate. A retry after a lost worker
     * passes over whoever was written to (their rows say so; the outbox keeps anyone from getting it twice). A pause
     * or cancel stops it between two people. A sender that is no longer the tenant's (a number given up, a tenant
     * deleted) stops the campaign.
     */
    async sendCampaignSlice(input: SendCampaignSliceInput): Promise<SendCampaignSliceResult> {
      const context = Context.current();
      const campaign = await db.selectFrom('campaigns').selectAll().where('id', '=', input.campaignId).executeTakeFirst();
      if (!campaign) throw ApplicationFailure.nonRetryable(`no campaign ${input.campaignId}`, 'CampaignMissing');
      if (!(await numbersOfTenant(db, campaign.tenant_id)).includes(campaign.sender)) return { next: null, stopped: 'sender_gone' };
      let position = input.from;
      const gapMs = 1000 / campaign.rate_per_second;
      const started = Date.now();
      const people = await recipientsFrom(db, campaign.id, position, Math.max(1, Math.min(sliceMax, Math.ceil((sliceMs / 1000) * campaign.rate_per_second))));
      // Alive every second, whatever the pace: a cancellation reaches the activity through its heartbeat.
      const beat = setInterval(() => context.heartbeat(position), 1000);
      try {
        // The pace counts messages sent: a skipped person (an opt-out) or one written to before a retry takes no slot.
        let sent = 0;
        for (const person of people) {
          if (context.cancellationSignal.aborted) throw new CancelledFailure('the campaign was paused or cancelled');
          if (person.phone && !person.message_id) {
            const due = started + gapMs * sent;
            if (due > Date.now()) await sleep(due - Date.now());
            if (await writeTo(campaign, person as CampaignRecipient & { phone: string })) sent += 1;
          }
          position = person.position + 1;
          context.heartbeat(position);
        }
        const nextDue = started + gapMs * sent;
        if (sent > 0 && nextDue > Date.now()) await sleep(nextDue - Date.now());
      } finally {
        clearInterval(beat);
      }
      const more = await recipientsFrom(db, campaign.id, position, 1);
      return { next: more.length > 0 ? position : null };
    },

    /** What the campaign's workflow is doing now, for `GET /api/campaigns/:id`. Safe to repeat. */
    async campaignStatus({ campaignId, status }: { campaignId: string; status: CampaignStatus }): Promise<void> {
      await setCampaignStatus(db, campaignId, status);
    },
  };
}

