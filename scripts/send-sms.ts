import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

/**
 * Posts a Twilio-signed SMS (or WhatsApp, with a `whatsapp:` sender) webhook to the running service, as Twilio
 * would. Usage: npm run sms -- <from> <text> [to]
 * Uses PUBLIC_BASE_URL (default http://localhost:3000) and TWILIO_AUTH_TOKEN (default: the dev sandbox's token).
 */
const [from, text, to = '+15005550006'] = process.argv.slice(2);
if (!from || !text) {
  console.error('usage: npm run sms -- <from, e.g. +16045550100 or whatsapp:+16045550100> <text> [to]');
  process.exit(2);
}
const base = (process.env.PUBLIC_BASE_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/+$/, '');
const authToken = process.env.TWILIO_AUTH_TOKEN ?? 'dev-auth-token';
const url = `${base}/webhooks/twilio/messaging`;
const channelPrefix = from.startsWith('whatsapp:') ? 'whatsapp:' : '';
const params: Record<string, string> = {
  MessageSid: `SM${randomBytes(16).toString('hex')}`,
  AccountSid: `AC${'0'.repeat(32)}`,
  From: from,
  To: to.startsWith('whatsapp:') ? to : `${channelPrefix}${to}`,
  Body: text,
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
console.log(`${response.status} ${await response.text()}`);
