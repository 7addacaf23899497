import { ActivityFailure, log, uuid4 } from '@temporalio/workflow';
import type { Delivery } from '../activities/outbound';
import type { ReplyTarget } from '../domain/channels';
import { sendMessage } from './activity-proxies';
import type { Delivered } from './definitions';

/**
 * Sends to the customer at `target` through the outbox (the id chosen here, so a retried send is recognised). A
 * refusal (opted out, a provider's rejection, retries exhausted) is recorded on the outbound row and told back in
 * words; the conversation goes on.
 */
export async function deliver(
  conversation: { conversationId: string; tenantId: string; contactKey: string },
  delivery: Delivery,
  target: ReplyTarget,
): Promise<Delivered> {
  const outboxId = `out:${uuid4()}`;
  try {
    await sendMessage({ outboxId, ...conversation, target, delivery });
    return { messageId: outboxId };
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    log.warn('message not delivered', { error: error.message });
    return { refused: error.cause?.message ?? error.message };
  }
}
