import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { DeliveryRejected, type Accepted, type DeliveryAdapter, type OutboundPart } from './channels/adapter';
import { deliveryAdapters } from './channels';
import { heartbeating } from './heartbeat';
import { splitBody } from './split-body';
import type { ReplyTarget } from '../domain/channels';
import type { ReplyOptions } from '../domain/reply-options';
import type { ReplySource } from '../domain/citations';
import type { TemplateUse } from '../domain/whatsapp-template';
import { serviceText, type ServiceTextKey } from '../domain/texts';
import { publishEvent } from '../db/events';
import { optOut } from '../db/repositories/contacts';
import { applyDeliveryEvents } from '../db/repositories/delivery';
import { getMessage, updateMessage } from '../db/repositories/messages';
import { enqueueOutbound, markSent, providerIdsClaimed } from '../db/repositories/outbox';
import { codeFor } from '../db/repositories/phone-codes';
import { getTenant } from '../db/repositories/tenants';
import { projectOfConversation } from '../db/repositories/projects';
import type { MessageAuthor } from '../db/schema';

/** What to say: a text (the model's, an agent's), or one of the service's own texts in the tenant's wording. */
export type Delivery =
  | {
      text: string;
      author: 'ai' | 'agent' | 'system';
      /** When the customer got it live, token by token, while it was written (a spoken reply): it is only recorded. */
      streamedAt?: string;
      /** Buttons under the reply (web chat), kept with its last part. */
      options?: ReplyOptions;
      /** The model that wrote it, kept with it. */
      model?: string;
      /** The knowledge-base documents it cited (`[]`: none, on a question of fact), kept with its last part. */
      sources?: ReplySource[];
      /** Sent as this approved WhatsApp template (`text` is what it reads, filled in); never split. */
      template?: TemplateUse;
    }
  | { notice: ServiceTextKey; author: 'ai' | 'system' }
  /** A web visitor's one-time code (`codeId`): texted as the tenant's `phoneCode` text, recorded with the code hidden. */
  | { code: string; author: 'system' };

/** What stands in for a code in the outbox, the agents' screens and every record. */
const hiddenCode = '••••••';

export interface SendMessageInput {
  /** Chosen by the workflow and stable across activity retries: the outbox key that makes the delivery idempotent. */
  outboxId: string;
  conversationId: string;
  tenantId: string;
  contactKey: string;
  target: ReplyTarget;
  delivery: Delivery;
}

export interface SendMessageResult {
  providerMessageIds: string[];
}

/** How far the channel's clock and ours may disagree when matching a lost acceptance. */
const clockSkewMs = 2 * 60_000;

export function outboundActivities(deps: ActivityDeps) {
  const { db } = deps;
  const adapters = deliveryAdapters(deps);

  /** Marks an outbox row as finally failed and stops the activity from retrying. */
  async function reject(input: SendMessageInput, id: string, code: string, reason: string): Promise<never> {
    await updateMessage(db, id, { status: 'failed', error_code: code, error_message: reason });
    await publishEvent(db, { type: 'message', tenantId: input.tenantId, conversationId: input.conversationId, messageId: id });
    throw ApplicationFailure.nonRetryable(`message ${id} not sent: ${reason}`, 'SendRejected');
  }

  async function recordAccepted(input: SendMessageInput, id: string, accepted: Accepted): Promise<string> {
    const event = { type: 'message', tenantId: input.tenantId, conversationId: input.conversationId, messageId: id } as const;
    const { earlyCallbacks } = await markSent(db, { id, ...accepted }, event);
    if (earlyCallbacks && (await applyDeliveryEvents(db, accepted.providerMessageId))) await publishEvent(db, event);
    return accepted.providerMessageId;
  }

  /** The channel's id for a part an earlier attempt delivered but never heard back about, if there is one. */
  async function lostAcceptance(adapter: DeliveryAdapter, part: OutboundPart, firstAttempt: Date): Promise<string | null> {
    const candidates = await adapter.acceptedSince(part, new Date(firstAttempt.getTime() - clockSkewMs));
    if (candidates.length === 0) return null;
    const claimed = await providerIdsClaimed(db, candidates);
    return candidates.find((candidate) => !claimed.has(candidate)) ?? null;
  }

  async function sendPart(
    input: SendMessageInput,
    adapter: DeliveryAdapter,
    part: OutboundPart,
    record: { author: MessageAuthor; body: string; options: ReplyOptions | null; sources: ReplySource[] | null },
  ): Promise<string> {
    // The row is written before the channel is called: it marks the attempt.
    const streamedAt = 'streamedAt' in input.delivery ? input.delivery.streamedAt : undefined;
    const { created, optedOut } = await enqueueOutbound(
      db,
      {
        // A reply streamed live takes its place in the conversation when the customer had it, not when it is filed.
        ...(streamedAt ? { created_at: new Date(streamedAt) } : {}),
        id: part.id,
        conversation_id: input.conversationId,
        tenant_id: input.tenantId,
        direction: 'outbound',
        author: record.author,
        channel: part.target.channel,
        from_address: part.target.sender ?? '',
        to_address: part.target.address,
        body: record.body,
        options: record.options && JSON.stringify(record.options),
        sources: record.sources && JSON.stringify(record.sources),
        model: 'model' in input.delivery ? (input.delivery.model ?? null) : null,
        status: 'pending',
      },
      { tenantId: input.tenantId, contactKey: input.contactKey, channel: part.target.channel },
    );
    if (!created) {
      // A retried attempt: pick up where the last one stopped. If it reached the channel before its answer was
      // lost, the channel knows the part; record that instead of delivering it twice.
      const row = await getMessage(db, part.id);
      if (row?.provider_message_id) return row.provider_message_id;
      if (row?.status === 'failed') return reject(input, part.id, row.error_code ?? 'failed', row.error_message ?? 'failed earlier');
      const found = row ? await lostAcceptance(adapter, part, row.created_at) : null;
      if (found) return recordAccepted(input, part.id, { providerMessageId: found, status: 'queued' });
    }
    if (optedOut) return reject(input, part.id, 'opted_out', `the contact opted out of ${part.target.channel}`);
    try {
      return await recordAccepted(input, part.id, await adapter.deliver(part));
    } catch (error) {
      if (!(error instanceof DeliveryRejected)) throw error;
      if (error.optedOut) await optOut(db, { tenantId: input.tenantId, contactKey: input.contactKey, channel: part.target.channel }, `${adapter.provider}:${error.code}`);
      return reject(input, part.id, error.code, error.reason);
    }
  }

  /** The text a delivery sends, and the code in it that no record may show. */
  async function deliveryText({ delivery, tenantId, conversationId }: SendMessageInput): Promise<{ body: string; secret: string | null }> {
    if ('text' in delivery) return { body: delivery.text, secret: null };
    // The project the conversation is in words its texts over the tenant's.
    const [tenant, project] = await Promise.all([getTenant(db, tenantId), projectOfConversation(db, conversationId)]);
    const texts = { ...(tenant?.texts as Record<string, string> | undefined), ...project?.texts };
    if ('notice' in delivery) return { body: serviceText(delivery.notice, texts), secret: null };
    const code = await codeFor(db, delivery.code);
    const wording = serviceText('phoneCode', texts);
    // A tenant's wording without the placeholder still carries the code.
    return { body: wording.includes('{code}') ? wording.replaceAll('{code}', code) : `${wording} ${code}`, secret: code };
  }

  return {
    /**
     * Delivers a reply on its target's channel, part by part. Each part is an outbox row written before the channel
     * is called, and a part that already carries the channel's id is skipped, so a retried activity resumes where
     * the last attempt stopped; a part whose acceptance was lost is found at the channel rather than sent again.
     * Refuses contacts who opted out of the channel. A final refusal is recorded on the row with a readable reason
     * (not retried); anything else is thrown for Temporal to retry with backoff.
     */
    async sendMessage(input: SendMessageInput): Promise<SendMessageResult> {
      const adapter = adapters[input.target.channel];
      if (!adapter) throw ApplicationFailure.nonRetryable(`no delivery for channel ${input.target.channel}`, 'NoChannelAdapter');
      const { delivery } = input;
      const { body, secret } = await deliveryText(input);
      // A code goes to the person; every record of it (the outbox row, which agents read) has it hidden.
      const recorded = (text: string) => (secret ? text.replaceAll(secret, hiddenCode) : text);
      const template = 'template' in delivery ? delivery.template : undefined;
      // A template is one message whatever its length: the channel fills it in.
      const bodies = template ? [body] : splitBody(body, adapter.maxPartChars);
      return heartbeating(async () => {
        const providerMessageIds: string[] = [];
        for (const [index, partBody] of bodies.entries()) {
          const id = bodies.length === 1 ? input.outboxId : `${input.outboxId}#${index + 1}`;
          const streamedAt = 'streamedAt' in delivery ? delivery.streamedAt : undefined;
          const part = { id, tenantId: input.tenantId, conversationId: input.conversationId, target: input.target, body: partBody, streamed: streamedAt !== undefined, ...(template ? { template } : {}) };
          const last = index === bodies.length - 1;
          const options = last && 'options' in delivery ? (delivery.options ?? null) : null;
          const sources = last && 'sources' in delivery ? (delivery.sources ?? null) : null;
          providerMessageIds.push(await sendPart(input, adapter, part, { author: delivery.author, body: recorded(partBody), options, sources }));
        }
        return { providerMessageIds };
      });
    },
  };
}
