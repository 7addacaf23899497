import type { DeliveryAdapter } from './adapter';

/**
 * A web chat session: the visitor's session stream picks every recorded message up from the conversation's events
 * (the outbox row's notification), and a reply they already had live, token by token, is only recorded. Nothing
 * to look up after a lost answer: the row is the delivery.
 */
export function webAdapter(): DeliveryAdapter {
  return {
    provider: 'web',
    maxPartChars: 100_000,
    async deliver({ id, target }) {
      return { providerMessageId: `${target.address}:${id}`, status: 'delivered' };
    },
    async acceptedSince() {
      return [];
    },
  };
}
