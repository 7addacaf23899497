import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningServer } from '../../devkit/http-server';
import { startTwilioSandbox } from '../../devkit/twilio-sandbox';
import { sandboxAccountSid, sandboxAuthToken } from '../../devkit/twilio-signing';
import { freePort } from '../../devkit/free-port';

/**
 * The sandbox in its own container (docker compose): the app is reached at another address than the public URL it
 * puts in its callbacks, and the callbacks must still carry the signature the app checks.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function send(sandboxUrl: string, statusCallback: string) {
  return fetch(`${sandboxUrl}/2010-04-01/Accounts/${sandboxAccountSid}/Messages.json`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${sandboxAccountSid}:${sandboxAuthToken}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ To: '+16045550100', From: '+15005550006', Body: 'Hello', StatusCallback: statusCallback }).toString(),
  });
}

describe('the Twilio sandbox', () => {
  it('delivers status callbacks where the service is reached, signed for the URL the service gave', async () => {
    const received: { path: string; signature: string; params: Record<string, string> }[] = [];
    const app: RunningServer = await startHttpServer((req, body, res) => {
      received.push({ path: req.url ?? '', signature: String(req.headers['x-twilio-signature']), params: Object.fromEntries(new URLSearchParams(body)) });
      res.end('<Response/>');
    });
    cleanups.push(() => app.close());
    const sandbox = await startTwilioSandbox({ authToken: sandboxAuthToken, statusCallbacks: true, callbackBaseUrl: app.url });
    cleanups.push(() => sandbox.close());

    const publicCallback = 'https://conversations.example.test/webhooks/twilio/status?tenant=default';
    expect((await send(sandbox.url, publicCallback)).status).toBe(201);

    await expect.poll(() => received.map((r) => r.params.MessageStatus), { timeout: 5000 }).toEqual(['sent', 'delivered']);
    for (const callback of received) {
      expect(callback.path).toBe('/webhooks/twilio/status?tenant=default');
      expect(twilio.validateRequest(sandboxAuthToken, callback.signature, publicCallback, callback.params)).toBe(true);
    }
  });

  it('runs as a process of its own, listening where it is told, as docker compose starts it', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'devkit/sandbox-main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', TWILIO_AUTH_TOKEN: sandboxAuthToken },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((done) => child.once('exit', done));
    cleanups.push(async () => {
      child.kill('SIGTERM');
      await exited;
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await expect.poll(() => output, { timeout: 20_000 }).toContain(`listening on 127.0.0.1:${port}`);

    const url = `http://127.0.0.1:${port}`;
    expect((await send(url, 'http://127.0.0.1:9/webhooks/twilio/status')).status).toBe(201);
    const { messages } = (await (await fetch(`${url}/sandbox/messages`)).json()) as { messages: { body: string }[] };
    expect(messages.map((m) => m.body)).toEqual(['Hello']);
  });
});
