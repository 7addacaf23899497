import { createInterface } from 'node:readline';
import { RelayCaller } from '../devkit/relay-caller';
import { sandboxAuthToken } from '../devkit/twilio-signing';
import { connectionFailure } from './connection-failure';

/**
 * Plays a caller against the running service, as Twilio would carry the call: the signed voice webhook, then the
 * ConversationRelay socket. Type what the caller says; the reply streams back token by token. Typing while a reply
 * is still coming cuts in, as a caller talking over it would. `/press 5` presses a key. Ctrl-C hangs up.
 * Usage: npm run call -- <from, e.g. +16045550100> [to]
 * Uses PUBLIC_BASE_URL (default http://localhost:3000; also where the request goes unless CALL_API_URL is set)
 * and TWILIO_AUTH_TOKEN (default: the dev sandbox's token).
 */
const [from, to = '+15005550006'] = process.argv.slice(2);
if (!from) {
  console.error('usage: npm run call -- <from, e.g. +16045550100> [to]');
  process.exit(2);
}
const publicBaseUrl = (process.env.PUBLIC_BASE_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/+$/, '');
const apiUrl = (process.env.CALL_API_URL ?? publicBaseUrl).replace(/\/+$/, '');
const caller = new RelayCaller({ apiUrl, publicBaseUrl, authToken: process.env.TWILIO_AUTH_TOKEN ?? sandboxAuthToken, from, to });

const status = await caller.ring().catch((error: unknown) => {
  const reason = connectionFailure(error);
  if (!reason) throw error;
  console.error(`Cannot reach the service at ${apiUrl} (${reason}): npm start must be running, or CALL_API_URL / PUBLIC_BASE_URL must say where it runs.`);
  process.exit(1);
});
if (status !== 200 || !caller.welcomeGreeting) {
  console.log(`The service answered ${status}:\n${caller.twiml}`);
  process.exit(1);
}
await caller.connect();
console.log(`Connected (call ${caller.callSid}). Type what the caller says; Ctrl-C hangs up.\n`);
console.log(`service: ${caller.welcomeGreeting}`);

let heard = '';
let speaking = false;
caller.listen((frame) => {
  if (frame.type === 'text') {
    if (!speaking) process.stdout.write('service: ');
    speaking = !frame.last;
    heard += frame.token ?? '';
    process.stdout.write(frame.last ? `${frame.token ?? ''}\n` : (frame.token ?? ''));
  } else if (frame.type === 'end') {
    console.log(`\n(the service ends the session to put the call through: ${frame.handoffData ?? ''})`);
    void hangUp(frame.handoffData);
  }
});

async function hangUp(handoffData?: string): Promise<never> {
  const twiml = await caller.hangUp(handoffData ? { status: 'ended', handoffData } : {});
  console.log(`\nHung up. Twilio would now follow: ${twiml}`);
  process.exit(0);
}

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const words = line.trim();
  if (!words) return;
  const press = /^\/press\s+([0-9*#])$/.exec(words);
  if (speaking) {
    // Talking over the reply: the caller heard what was printed so far.
    caller.interrupt(heard);
    process.stdout.write(' [cut off]\n');
    speaking = false;
  }
  heard = '';
  if (press?.[1]) caller.press(press[1]);
  else caller.say(words);
});
input.on('close', () => void hangUp());
process.once('SIGINT', () => void hangUp());
