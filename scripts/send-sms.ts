import { messagingParams, sandboxAuthToken, signedForm } from '../devkit/twilio-signing';
import { connectionFailure } from './connection-failure';

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
const url = `${base}/webhooks/twilio/messaging`;
const channelPrefix = from.startsWith('whatsapp:') && !to.startsWith('whatsapp:') ? 'whatsapp:' : '';
const params = messagingParams({ from, body: text, to: `${channelPrefix}${to}` });
const response = await fetch(url, { method: 'POST', ...signedForm(url, process.env.TWILIO_AUTH_TOKEN ?? sandboxAuthToken, params) }).catch(
  (error: unknown) => {
    const reason = connectionFailure(error);
    if (!reason) throw error;
    console.error(`Cannot reach the service at ${url} (${reason}): npm start must be running, or PUBLIC_BASE_URL must say where it runs.`);
    process.exit(1);
  },
);
console.log(`${response.status} ${await response.text()}`);
if (!response.ok) process.exitCode = 1;
