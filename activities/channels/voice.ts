import type { Kysely } from 'kysely';
import type { DeliveryAdapter } from './adapter';
import { publishToConversation } from '../../db/events';
import type { Database } from '../../db/schema';

/**
 * A call: the text goes to the process holding the call's relay socket (by the conversation's event channel), which
 * speaks it. A reply the caller already heard token by token is only recorded. Repeating a part says it again, so
 * nothing is looked up after a lost answer.
 */
export function voiceAdapter(db: Kysely<Database>): DeliveryAdapter {
  return {
    provider: 'call',
    maxPartChars: 100_000,
    async deliver({ id, conversationId, target, body, streamed }) {
      if (!streamed) await publishToConversation(db, { type: 'say', conversationId, callSid: target.address, messageId: id, text: body });
      return { providerMessageId: `${target.address}:${id}`, status: 'spoken' };
    },
    async acceptedSince() {
      return [];
    },
  };
}
