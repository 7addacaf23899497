import type { ActivityDeps } from './deps';
import { isMessaging } from '../domain/channels';
import { keywordOf } from '../domain/keywords';
import { withoutNul } from '../domain/nul';
import { isRefusedData } from '../db/errors';
import { optIn, optOut } from '../db/repositories/contacts';
import { recordInboundMessage, type InboundRecord } from '../db/repositories/inbound';
import type { InboundMessage } from '../workflows/definitions';

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
  /**
   * Whether the contact is opted out of the message's channel, read from the one place opt-outs live (so a new run
   * knows what an earlier one was told, and Twilio's 21610 counts too).
   */
  optedOut: boolean;
  /** Every channel the conversation used so far. */
  channels: string[];
  /** The database refused the message as sent: it is kept without its text, marked refused, and not answered. */
  refused?: boolean;
}

/** What is kept of a message whose data the database refused: who wrote, when, and why it was not taken. */
function refusedRecord(record: InboundRecord, why: string): InboundRecord {
  const { created_at: at } = record.message;
  return {
    conversation: withoutNul(record.conversation),
    message: {
      ...withoutNul(record.message),
      body: '',
      media: '[]',
      status: 'refused',
      error_message: `not recorded: ${withoutNul(why)}`,
      created_at: Number.isNaN(at.getTime()) ? new Date() : at,
    },
  };
}

function inboundMessageId(tenantId: string, providerMessageId: string): string {
  return `in:${tenantId}:${providerMessageId}`;
}

export function inboundActivities({ db }: ActivityDeps) {
  return {
    /**
     * Idempotent: the row id and the unique (tenant, provider id) index make a retry or a re-delivery a no-op.
     * One statement (one round trip) for an ordinary message; an opt-out keyword (STOP, START, ...) also changes
     * the contact's opt-out state for that channel, in the same transaction, so the record and the state never
     * disagree.
     */
    async recordInbound({ conversationId, tenantId, contactKey, message }: RecordInboundInput): Promise<RecordInboundResult> {
      const messageId = inboundMessageId(tenantId, message.providerMessageId);
      const record: InboundRecord = {
        conversation: { id: conversationId, tenantId, contactKey, phone: contactKey.startsWith('+') ? contactKey : null },
        message: {
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
          created_at: new Date(message.receivedAt),
        },
      };
      // Carrier keywords mean something in text messages only.
      const keyword = isMessaging(message.channel) ? keywordOf(message.body) : null;
      if (keyword !== 'stop' && keyword !== 'start') {
        const recorded = await recordInboundMessage(db, record).catch(async (error: unknown) => {
          if (!isRefusedData(error)) throw error;
          // Data no retry can store (a door let it through): kept as refused, without its text, and not answered.
          const refused = await recordInboundMessage(db, refusedRecord(record, `${error.message} (${error.code})`));
          return { ...refused, refused: true };
        });
        return { messageId, duplicate: !recorded.wrote, optedOut: recorded.optedOut, channels: recorded.channels, refused: 'refused' in recorded };
      }
      const target = { tenantId, contactKey, channel: message.channel };
      const recorded = await db.transaction().execute(async (trx) => {
        const result = await recordInboundMessage(trx, record);
        if (!result.wrote) return result;
        if (keyword === 'stop') await optOut(trx, target, message.body.trim().toUpperCase());
        else await optIn(trx, target);
        return { ...result, optedOut: keyword === 'stop' };
      });
      return { messageId, duplicate: !recorded.wrote, optedOut: recorded.optedOut, channels: recorded.channels };
    },
  };
}
