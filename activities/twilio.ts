import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { splitBody } from './split-body';
import { describeRejection, isFinalRejection, unsubscribedCode } from './twilio-errors';
import { publishEvent } from '../db/events';
import { optOut } from '../db/repositories/contacts';
import { applyDeliveryEvents } from '../db/repositories/delivery';
import { getMessage, updateMessage } from '../db/repositories/messages';
import { enqueueOutbound, markSent } from '../db/repositories/outbox';
import { getTenant } from '../db/repositories/tenants';
import type { MessageAuthor } from '../db/schema';
import type { Channel } from '../workflows/definitions';

export interface SendMessageInput {
  /** Chosen by the workflow and stable across activity retries: the outbox key that makes the send idempotent. */
  outboxId: string;
  conversationId: string;
  tenantId: string;
  contactKey: string;
  channel: Channel;
  /** Twilio addresses: `+1604…` for SMS, `whatsapp:+1604…` for WhatsApp. */
  to: string;
  from: string;
  body: string;
  author: MessageAuthor;
}

export interface SendMessageResult {
  providerMessageIds: string[];
}

export const defaultHelpText = 'Reply with your question and we will answer. Reply STOP to unsubscribe.';

export function twilioActivities({ db, twilio, statusCallbackUrl }: ActivityDeps) {
  /** Marks an outbox row as finally failed and stops the activity from retrying. */
  async function reject(input: SendMessageInput, id: string, code: string, reason: string): Promise<never> {
    await updateMessage(db, id, { status: 'failed', error_code: code, error_message: reason });
    await publishEvent(db, { type: 'message', tenantId: input.tenantId, conversationId: input.conversationId, messageId: id });
    throw ApplicationFailure.nonRetryable(`message ${id} not sent: ${reason}`, 'SendRejected');
  }

  async function sendPart(input: SendMessageInput, id: string, body: string): Promise<string> {
    const event = { type: 'message', tenantId: input.tenantId, conversationId: input.conversationId, messageId: id } as const;
    const { created, optedOut } = await enqueueOutbound(
      db,
      {
        id,
        conversation_id: input.conversationId,
        tenant_id: input.tenantId,
        direction: 'outbound',
        author: input.author,
        channel: input.channel,
        from_address: input.from,
        to_address: input.to,
        body,
        status: 'pending',
      },
      input,
    );
    if (!created) {
      // A retried attempt: pick up where the last one stopped.
      const row = await getMessage(db, id);
      if (row?.provider_message_id) return row.provider_message_id;
      if (row?.status === 'failed') return reject(input, id, row.error_code ?? 'failed', row.error_message ?? 'failed earlier');
    }
    if (optedOut) return reject(input, id, 'opted_out', `the contact opted out of ${input.channel}`);
    try {
      const sent = await twilio.messages.create({
        to: input.to,
        from: input.from,
        body,
        ...(statusCallbackUrl ? { statusCallback: statusCallbackUrl } : {}),
      });
      const { earlyCallbacks } = await markSent(db, { id, providerMessageId: sent.sid, status: sent.status }, event);
      if (earlyCallbacks && (await applyDeliveryEvents(db, sent.sid))) await publishEvent(db, event);
      return sent.sid;
    } catch (error) {
      if (!isFinalRejection(error)) throw error;
      const { code, reason } = describeRejection(error);
      if (error.code === unsubscribedCode) await optOut(db, input, `twilio:${code}`);
      return reject(input, id, code, reason);
    }
  }

  return {
    /**
     * Writes each part to the outbox before calling Twilio and skips parts that already carry a provider id, so a
     * retried activity resumes where the last attempt stopped and never sends a part twice. Refuses contacts who
     * opted out. A 4xx from Twilio is final (recorded on the row with a readable reason, not retried); 429, 5xx and
     * network errors are thrown for Temporal to retry with backoff.
     */
    async sendMessage(input: SendMessageInput): Promise<SendMessageResult> {
      const parts = splitBody(input.body);
      const providerMessageIds: string[] = [];
      for (const [index, body] of parts.entries()) {
        const id = parts.length === 1 ? input.outboxId : `${input.outboxId}#${index + 1}`;
        providerMessageIds.push(await sendPart(input, id, body));
      }
      return { providerMessageIds };
    },

    /** Answers HELP / INFO with the tenant's help text (no model turn). Idempotent like sendMessage. */
    async sendHelpReply(input: Omit<SendMessageInput, 'body' | 'author'>): Promise<SendMessageResult> {
      const tenant = await getTenant(db, input.tenantId);
      const body = tenant?.help_text || defaultHelpText;
      return { providerMessageIds: [await sendPart({ ...input, body, author: 'system' }, input.outboxId, body)] };
    },
  };
}
