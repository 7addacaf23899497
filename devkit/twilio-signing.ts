import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

/** The service's number in the local sandbox: what `npm run sms` writes to, and what web visitors' codes come from. */
export const sandboxServiceNumber = '+15005550006';

/** The account the local sandbox (npm start's, docker compose's) answers to, and the token it shares with the service. */
export const sandboxAccountSid = `AC${'0'.repeat(32)}`;
export const sandboxAuthToken = 'dev-auth-token';

/** The form Twilio posts for an inbound SMS or WhatsApp message. */
export function messagingParams(fields: { from: string; body: string; to?: string; sid?: string }): Record<string, string> {
  return {
    MessageSid: fields.sid ?? `SM${randomBytes(16).toString('hex')}`,
    AccountSid: sandboxAccountSid,
    From: fields.from,
    To: fields.to ?? sandboxServiceNumber,
    Body: fields.body,
    NumMedia: '0',
    NumSegments: '1',
  };
}

/** Headers and body of a form POST to `url`, signed as Twilio signs its webhooks. */
export function signedForm(url: string, authToken: string, params: Record<string, string>) {
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params),
    },
    body: new URLSearchParams(params).toString(),
  };
}
