import { messagingParams, signedForm } from '../devkit/twilio-signing';

let counter = 0;

/** A signed messaging webhook from one of `contacts` senders, each call with a new MessageSid. */
export function signedWebhook(url: string, authToken: string, contacts = 1000) {
  counter += 1;
  const from = `+1604${String(2_000_000 + (counter % contacts)).padStart(7, '0')}`;
  return signedForm(url, authToken, messagingParams({ from, body: 'Hello, is my order on its way?' }));
}

/** POSTs a signed form; anything but 200 is an error. */
export async function postForm(url: string, form: { body: string; headers: Record<string, string> }): Promise<void> {
  const response = await fetch(url, { method: 'POST', ...form });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
}

export function postWebhook(url: string, authToken: string, from: string, body: string): Promise<void> {
  return postForm(url, signedForm(url, authToken, messagingParams({ from, body })));
}
