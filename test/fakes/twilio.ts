import { randomBytes } from 'node:crypto';
import { sendJson, startHttpServer, waitFor, type RunningServer } from './http';

export interface SentMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | null;
  at: number;
}

export interface TwilioFailure {
  status: number;
  /** Twilio error code, e.g. 21211 invalid To, 21610 unsubscribed recipient, 63016 WhatsApp outside 24 h. */
  code: number;
  message: string;
}

export interface FakeTwilio extends RunningServer {
  accountSid: string;
  authToken: string;
  sent: SentMessage[];
  /** Every request that reached Messages.json, accepted or not. */
  attempts: number;
  /** Called for every accepted message, as it is accepted (benchmarks time deliveries with it). */
  onSent: ((message: SentMessage) => void) | null;
  /** The next `times` sends fail with `failure`. */
  failNext(times: number, failure: TwilioFailure): void;
  waitForSent(count: number, timeoutMs?: number): Promise<SentMessage[]>;
  reset(): void;
}

const messagesPath = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\.json$/;

function sid(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

/**
 * A Twilio REST stand-in speaking the real wire format: form-encoded POST to Messages.json with HTTP Basic auth
 * (Account SID : auth token), JSON message resources back, Twilio's JSON error bodies on failure.
 */
export async function startFakeTwilio(
  options: { accountSid?: string; authToken?: string; port?: number } = {},
): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? `AC${'0'.repeat(32)}`;
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const sent: SentMessage[] = [];
  const failures: TwilioFailure[] = [];
  let attempts = 0;

  const server = await startHttpServer((req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/sandbox/messages') {
      return sendJson(res, 200, { messages: sent });
    }
    const match = messagesPath.exec(url.pathname);
    if (req.method !== 'POST' || !match) {
      return sendJson(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    }
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected || match[1] !== accountSid) {
      return sendJson(res, 401, { code: 20003, message: 'Authentication Error - invalid username', status: 401 });
    }
    attempts += 1;
    const failure = failures.shift();
    if (failure) {
      return sendJson(res, failure.status, {
        code: failure.code,
        message: failure.message,
        more_info: `https://www.twilio.com/docs/errors/${failure.code}`,
        status: failure.status,
      });
    }
    const form = new URLSearchParams(body);
    const to = form.get('To');
    const from = form.get('From') ?? form.get('MessagingServiceSid');
    const text = form.get('Body');
    if (!to) return sendJson(res, 400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
    if (!from) return sendJson(res, 400, { code: 21603, message: "A 'From' phone number is required.", status: 400 });
    if (!text && !form.get('MediaUrl')) {
      return sendJson(res, 400, { code: 21602, message: 'Message body is required.', status: 400 });
    }
    if ((text ?? '').length > 1600) {
      return sendJson(res, 400, { code: 21617, message: 'The concatenated message body exceeds the 1600 character limit.', status: 400 });
    }
    const message: SentMessage = {
      sid: sid('SM'),
      accountSid,
      to,
      from,
      body: text ?? '',
      statusCallback: form.get('StatusCallback'),
      at: Date.now(),
    };
    sent.push(message);
    fake.onSent?.(message);
    const now = new Date().toUTCString();
    return sendJson(res, 201, {
      sid: message.sid,
      account_sid: accountSid,
      api_version: '2010-04-01',
      body: message.body,
      date_created: now,
      date_updated: now,
      date_sent: null,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: message.from,
      messaging_service_sid: null,
      num_media: '0',
      num_segments: String(Math.max(1, Math.ceil(message.body.length / 153))),
      price: null,
      price_unit: 'USD',
      status: 'queued',
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}/Media.json` },
      to: message.to,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`,
    });
  }, options.port);

  const fake: FakeTwilio = {
    ...server,
    onSent: null,
    accountSid,
    authToken,
    sent,
    get attempts() {
      return attempts;
    },
    failNext(times, failure) {
      for (let i = 0; i < times; i += 1) failures.push(failure);
    },
    waitForSent(count, timeoutMs = 20_000) {
      return waitFor(() => (sent.length >= count ? [...sent] : undefined), timeoutMs, `${count} sent messages`);
    },
    reset() {
      sent.length = 0;
      failures.length = 0;
      attempts = 0;
      fake.onSent = null;
    },
  };
  return fake;
}
