import type { Kysely } from 'kysely';
import { furthestStatus } from '../../domain/delivery-status';
import type { Database } from '../schema';

export interface ChangedMessage {
  id: string;
  tenant_id: string;
  conversation_id: string;
}

/**
 * Stores a status callback and applies it; a callback for a send not yet recorded is applied when it is.
 * Returns the message whose status moved, if one did.
 */
export async function recordDeliveryEvent(
  db: Kysely<Database>,
  event: { providerMessageId: string; status: string; errorCode: string | null },
): Promise<ChangedMessage | null> {
  await db
    .insertInto('delivery_events')
    .values({ provider_message_id: event.providerMessageId, status: event.status, error_code: event.errorCode })
    .execute();
  return applyDeliveryEvents(db, event.providerMessageId);
}

/** Moves the message's status forward to the furthest one any callback reported; never backwards. */
export async function applyDeliveryEvents(db: Kysely<Database>, providerMessageId: string): Promise<ChangedMessage | null> {
  return db.transaction().execute(async (trx) => {
    const message = await trx
      .selectFrom('messages')
      .select(['id', 'tenant_id', 'conversation_id', 'status', 'error_code'])
      .where('provider_message_id', '=', providerMessageId)
      .forUpdate()
      .executeTakeFirst();
    if (!message) return null;
    const events = await trx
      .selectFrom('delivery_events')
      .select(['status', 'error_code'])
      .where('provider_message_id', '=', providerMessageId)
      .orderBy('id')
      .execute();
    const best = furthestStatus({ status: message.status, error_code: message.error_code }, events);
    if (best.status === message.status) return null;
    await trx
      .updateTable('messages')
      .set({ status: best.status, error_code: best.error_code ?? message.error_code, updated_at: new Date() })
      .where('id', '=', message.id)
      .execute();
    return { id: message.id, tenant_id: message.tenant_id, conversation_id: message.conversation_id };
  });
}
