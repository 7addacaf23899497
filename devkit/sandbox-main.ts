import { startTwilioSandbox } from './twilio-sandbox';
import { sandboxAuthToken } from './twilio-signing';

/**
 * The local Twilio sandbox as a process of its own: docker compose runs it beside the app when no Twilio account is
 * configured (`npm start` starts the same sandbox inside its own process). Settings: PORT (3099), HOST (127.0.0.1;
 * 0.0.0.0 in a container, so the app's container reaches it), TWILIO_AUTH_TOKEN (the token it shares with the
 * service) and CALLBACK_BASE_URL (the service as reached from here, when that is not the URL it puts in its callbacks).
 */
const port = Number(process.env.PORT || 3099);
const host = process.env.HOST || '127.0.0.1';
const sandbox = await startTwilioSandbox({
  authToken: process.env.TWILIO_AUTH_TOKEN || sandboxAuthToken,
  port,
  host,
  callbackBaseUrl: process.env.CALLBACK_BASE_URL || undefined,
  statusCallbacks: true,
});
console.log(`Twilio sandbox of account ${sandbox.accountSid} listening on ${host}:${port}; what was sent: GET /sandbox/messages`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void sandbox.close().finally(() => process.exit(0)));
}
