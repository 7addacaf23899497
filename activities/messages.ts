import type { ActivityDeps } from './deps';
import type { InboundMessage } from '../workflows/definitions';
import { bumpConversation, ensureConversation } from '../db/repositories/conversations';
import { publishEvent } from '../db/events';
import { ensureContact, optIn, optOut } from '../db/repositories/contacts';
import { insertMessageOnce } from '../db/repositories/messages';
import { keywordOf } from '../workflows/keywords';

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
     * An opt-out keyword (STOP, START, ...) changes the contact's opt-out state for that channel in the same
     * transaction, so the record and the state never disagree.
     */
    async recordInbound({ conversationId, tenantId, contactKey, message }: RecordInboundInput): Promise<RecordInboundResult> {
      const messageId = inboundMessageId(tenantId, message.providerMessageId);
      const at = new Date(message.receivedAt);
      const inserted = await db.transaction().execute(async (trx) => {
        await ensureConversation(trx, { id: conversationId, tenantId, contactKey, channel: message.channel, at });
        const wrote = await insertMessageOnce(trx, {
          id: messageId,
          conversation_id: conversationId,
          tenant_id: tenantId,
          direction: 'inbound',
          author: 'customer',
          channel: message.channel,
          from_address: message.from,
          to_address: message.to,
          body: message.body,
          media: JSON.stringify(message.media),
          provider_message_id: message.providerMessageId,
          status: 'received',
          created_at: at,
        });
        if (!wrote) return false;
        await bumpConversation(trx, { id: conversationId, channel: message.channel, at });
        await ensureContact(trx, { tenantId, contactKey, phone: contactKey.startsWith('+') ? contactKey : null });
        const keyword = keywordOf(message.body);
        const target = { tenantId, contactKey, channel: message.channel };
        if (keyword === 'stop') await optOut(trx, target, message.body.trim().toUpperCase());
        if (keyword === 'start') await optIn(trx, target);
        return true;
      });
      if (inserted) await publishEvent(db, { type: 'message', tenantId, conversationId, messageId });
      return { messageId, duplicate: !inserted };
    },

  };
}
