import type { ActivityDeps } from './deps';
import type { InboundMessage } from '../workflows/definitions';
import { optIn, optOut } from '../db/repositories/contacts';
import { recordInboundMessage } from '../db/repositories/inbound';
import { keywordOf } from '../domain/keywords';

export interface RecordInboundInput {
  conversationId: string;
  tenantId: string;
  contactKey: string;
  message: InboundMessage;
}

export interface RecordInboundResult {
  messageId: string;
  /** True when this provider message id was already recorded (a retried webhook reaching a newer run). */
  duplicate: boolean;
}

function inboundMessageId(tenantId: string, providerMessageId: string): string {
  return `in:${tenantId}:${providerMessageId}`;
}

export function messageActivities({ db }: ActivityDeps) {
  return {
    /**
     * Idempotent: the row id and the unique (tenant, provider id) index make a retry or a re-delivery a no-op.
     * One statement (one round trip) for an ordinary message; an opt-out keyword (STOP, START, ...) also changes
     * the contact's opt-out state for that channel, in the same transaction, so the record and the state never
     * disagree.
     */
    async recordInbound({ conversationId, tenantId, contactKey, message }: RecordInboundInput): Promise<RecordInboundResult> {
      const messageId = inboundMessageId(tenantId, message.providerMessageId);
      const record = {
        conversation: { id: conversationId, tenantId, contactKey, phone: contactKey.startsWith('+') ? contactKey : null },
        message: {
          id: messageId,
          conversation_id: conversationId,
          tenant_id: tenantId,
          direction: 'inbound' as const,
          author: 'customer' as const,
          channel: message.channel,
          from_address: message.from,
          to_address: message.to,
          body: message.body,
          media: JSON.stringify(message.media),
          provider_message_id: message.providerMessageId,
          status: 'received',
          created_at: new Date(message.receivedAt),
        },
      };
      const keyword = keywordOf(message.body);
      if (keyword !== 'stop' && keyword !== 'start') {
        return { messageId, duplicate: !(await recordInboundMessage(db, record)) };
      }
      const target = { tenantId, contactKey, channel: message.channel };
      const inserted = await db.transaction().execute(async (trx) => {
        if (!(await recordInboundMessage(trx, record))) return false;
        if (keyword === 'stop') await optOut(trx, target, message.body.trim().toUpperCase());
        else await optIn(trx, target);
        return true;
      });
      return { messageId, duplicate: !inserted };
    },
  };
}
