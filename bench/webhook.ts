import { messagingParams, signedForm } from '../scripts/twilio-webhook';

let counter = 0;

/** A signed messaging webhook from one of `contacts` senders, each call with a new MessageSid. */
export function signedWebhook(url: string, authToken: string, contacts = 1000) {
  counter += 1;
  const from = `+1604${String(2_000_000 + (counter % contacts)).padStart(7, '0')}`;
  return signedForm(url, authToken, messagingParams({ from, body: 'Hello, is my order on its way?' }));
}

export async function postWebhook(url: string, authToken: string, from: string, body: string): Promise<void> {
  const response = await fetch(url, { method: 'POST', ...signedForm(url, authToken, messagingParams({ from, body })) });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
}
