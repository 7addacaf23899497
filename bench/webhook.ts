import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

let counter = 0;

/** A signed Twilio messaging webhook body from one of `contacts` senders, each call a new MessageSid. */
export function signedWebhook(url: string, authToken: string, contacts = 1000, body = 'Hello, is my order on its way?') {
  counter += 1;
  const params = {
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    AccountSid: `AC${'0'.repeat(32)}`,
    From: `+1604${String(2_000_000 + (counter % contacts)).padStart(7, '0')}`,
    To: '+15005550006',
    Body: body,
    NumMedia: '0',
  };
  return {
    params,
    body: new URLSearchParams(params).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params),
    },
  };
}

export async function postWebhook(url: string, authToken: string, from: string, body: string): Promise<number> {
  const params = {
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    AccountSid: `AC${'0'.repeat(32)}`,
    From: from,
    To: '+15005550006',
    Body: body,
    NumMedia: '0',
  };
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params),
    },
    body: new URLSearchParams(params),
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
  return response.status;
}
