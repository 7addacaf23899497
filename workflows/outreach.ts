import { ApplicationFailure, uuid4 } from '@temporalio/workflow';
import type { Delivery } from '../activities/outbound';
import type { ReplyTarget } from '../domain/channels';
import { placeOutboundCall } from './activity-proxies';
import { refusal } from '../domain/failures';
import type { AgentMessage, CodeDelivery, Delivered } from './definitions';

/** How long a placed call may ring before it is answered or given up (Twilio's default ring time). */
const ringingMs = 60_000;

/** What the conversation lends its agents' outreach. */
export interface OutreachHost {
  conversationId: string;
  tenantId: string;
  contactKey: string;
  /** The service's number the person last used (E.164), which outreach comes from; null before any. */
  serviceNumber(): string | null;
  /** Whether the person is on a call with the service. */
  onCall(): boolean;
  /** When a call last connected or ended (workflow time; 0 before any): a call placed before it is not ringing. */
  callChangedAt(): number;
  deliver(delivery: Delivery, target: ReplyTarget): Promise<Delivered>;
}

/**
 * Agents reaching the person first: a proactive SMS or WhatsApp message, through the same delivery as every reply
 * (outbox, opt-out, retries, Twilio's refusals made readable), and an outbound call, which rings the person and is
 * then answered by the same voice route as any call.
 */
export class Outreach {
  /** When the last call placed began to ring (workflow time): it rings for at most `ringingMs`. */
  private ringingSince: number | null = null;

  constructor(private readonly host: OutreachHost) {}

  private numbers(): { person: string; service: string } {
    const service = this.host.serviceNumber();
    if (!this.host.contactKey.startsWith('+')) {
      throw ApplicationFailure.nonRetryable('this contact has no phone number to reach', refusal.unreachable);
    }
    if (!service) throw ApplicationFailure.nonRetryable('no number of ours has talked with this contact yet', refusal.unreachable);
    return { person: this.host.contactKey, service };
  }

  validateMessage(message: AgentMessage): void {
    this.numbers();
    if (!message.body.trim()) throw ApplicationFailure.nonRetryable('the message is empty', refusal.emptyMessage);
  }

  async message(message: AgentMessage): Promise<{ messageId: string }> {
    const { person, service } = this.numbers();
    const prefix = message.channel === 'whatsapp' ? 'whatsapp:' : '';
    const target: ReplyTarget = { channel: message.channel, address: `${prefix}${person}`, sender: `${prefix}${service}` };
    const sent = await this.host.deliver({ text: message.body, author: 'agent', ...(message.template ? { template: message.template } : {}) }, target);
    if ('refused' in sent) throw ApplicationFailure.nonRetryable(sent.refused, refusal.deliveryRefused);
    return sent;
  }

  /** A code to a number the person claims (not yet theirs), through the same delivery as every text. */
  async code({ phone, sender, codeId }: CodeDelivery): Promise<{ messageId: string }> {
    const sent = await this.host.deliver({ code: codeId, author: 'system' }, { channel: 'sms', address: phone, sender });
    if ('refused' in sent) throw ApplicationFailure.nonRetryable(sent.refused, refusal.deliveryRefused);
    return sent;
  }

  /** One call at a time: not while the person is on one, nor while the last one placed may still be ringing. */
  validateCall(_request: { agentId: string }): void {
    this.numbers();
    const since = this.ringingSince;
    const ringing = since !== null && Date.now() - since < ringingMs && this.host.callChangedAt() < since;
    if (this.host.onCall() || ringing) throw ApplicationFailure.nonRetryable('a call with this person is ringing or under way', refusal.callInProgress);
  }

  async call(_request: { agentId: string }): Promise<{ callSid: string }> {
    const { person, service } = this.numbers();
    // Set before the first await: an update validated right after this one sees the call ringing.
    this.ringingSince = Date.now();
    try {
      return await placeOutboundCall({
        conversationId: this.host.conversationId,
        tenantId: this.host.tenantId,
        requestId: uuid4(),
        to: person,
        from: service,
      });
    } catch (error) {
      this.ringingSince = null;
      throw error;
    }
  }
}
