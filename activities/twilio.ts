import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { splitBody } from './split-body';
import { bumpConversation } from '../db/repositories/conversations';
import { getMessage, insertMessageOnce, updateMessage } from '../db/repositories/messages';
import type { MessageAuthor } from '../db/schema';
import type { Channel } from '../workflows/definitions';

export interface SendMessageInput {
  /** Chosen by the workflow and stable across activity retries: the outbox key that makes the send idempotent. */
  outboxId: string;
  conversationId: string;
  tenantId: string;
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

interface TwilioRestError {
  status: number;
  code?: number;
  message: string;
}

function isTwilioRestError(error: unknown): error is TwilioRestError {
  return typeof error === 'object' && error !== null && typeof (error as TwilioRestError).status === 'number';
}

export function twilioActivities({ db, twilio, statusCallbackUrl }: ActivityDeps) {
  return {
    /**
     * Writes each part to the outbox before calling Twilio and skips parts that already carry a provider id, so a
     * retried activity resumes where the last attempt stopped and never sends a part twice. A 4xx from Twilio is
     * final (recorded on the row, not retried); 429, 5xx and network errors are thrown for Temporal to retry.
     */
    async sendMessage(input: SendMessageInput): Promise<SendMessageResult> {
      const parts = splitBody(input.body);
      const providerMessageIds: string[] = [];
      for (const [index, body] of parts.entries()) {
        const id = parts.length === 1 ? input.outboxId : `${input.outboxId}#${index + 1}`;
        const created = await insertMessageOnce(db, {
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
        });
        if (created) await bumpConversation(db, { id: input.conversationId, channel: input.channel, at: new Date() });
        const row = await getMessage(db, id);
        if (row?.provider_message_id) {
          providerMessageIds.push(row.provider_message_id);
          continue;
        }
        if (row?.status === 'failed') {
          throw ApplicationFailure.nonRetryable(`send ${id} failed earlier: ${row.error_message}`, 'SendRejected');
        }
        try {
          const sent = await twilio.messages.create({
            to: input.to,
            from: input.from,
            body,
            ...(statusCallbackUrl ? { statusCallback: statusCallbackUrl } : {}),
          });
          await updateMessage(db, id, { provider_message_id: sent.sid, status: sent.status });
          providerMessageIds.push(sent.sid);
        } catch (error) {
          if (isTwilioRestError(error) && error.status >= 400 && error.status < 500 && error.status !== 429) {
            const code = error.code !== undefined ? String(error.code) : String(error.status);
            await updateMessage(db, id, { status: 'failed', error_code: code, error_message: error.message });
            throw ApplicationFailure.nonRetryable(`Twilio refused the message (${code}): ${error.message}`, 'SendRejected');
          }
          throw error;
        }
      }
      return { providerMessageIds };
    },
  };
}
