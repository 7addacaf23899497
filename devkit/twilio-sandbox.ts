import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import twilio from 'twilio';
import { sendJson, startHttpServer, type RunningServer } from './http-server';
import { fillTemplate } from '../domain/whatsapp-template';
import { sandboxAccountSid } from './twilio-signing';

export interface SentMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | null;
  at: number;
  /** The Content API template it was sent from (a WhatsApp message outside the 24-hour window), if any. */
  contentSid?: string;
}

/** A Content API template, as `GET /v1/ContentAndApprovals` lists it (its text, and its WhatsApp approval). */
export interface SandboxTemplate {
  sid: string;
  friendlyName: string;
  language: string;
  /** `{{1}}`, `{{2}}`… are filled from the message's ContentVariables. */
  body: string;
  /** Sample values, by placeholder number. */
  variables: Record<string, string>;
  /** WhatsApp's verdict: only `approved` templates may open a conversation. */
  status: 'approved' | 'pending' | 'rejected';
}

/** The sandbox's templates: what `npm start` offers agents when a WhatsApp window has closed. */
export const sandboxTemplates: SandboxTemplate[] = [
  {
    sid: 'HX0f4a5e2d1c3b4a59687766554433aa01',
    friendlyName: 'follow_up',
    language: 'en',
    body: 'Hello {{1}}, we have an update about your request. Reply to this message to continue the conversation.',
    variables: { '1': 'Ana' },
    status: 'approved',
  },
  {
    sid: 'HX0f4a5e2d1c3b4a59687766554433aa02',
    friendlyName: 'appointment_reminder',
    language: 'en',
    body: 'Hi {{1}}, a reminder of your appointment on {{2}}. Reply to this message to change it.',
    variables: { '1': 'Ana', '2': 'Friday at 10:00' },
    status: 'approved',
  },
  {
    sid: 'HX0f4a5e2d1c3b4a59687766554433aa03',
    friendlyName: 'spring_sale',
    language: 'en',
    body: 'Our spring sale starts {{1}}!',
    variables: { '1': 'Monday' },
    status: 'rejected',
  },
];


/** A call the service asked Twilio to place. */
export interface PlacedCall {
  sid: string;
  /** The account that placed it. */
  accountSid: string;
  to: string;
  from: string;
  /** Where Twilio asks what to do when the call is answered. */
  url: string;
  statusCallback: string | null;
}

export interface TwilioFailure {
  status: number;
  /** Twilio error code, e.g. 21211 invalid To, 21610 unsubscribed recipient, 63016 WhatsApp outside 24 h. */
  code: number;
  message: string;
}

/** Accept the message, then cut the connection before answering: the sender never learns that it was sent. */
export const acceptThenDrop = 'accept-then-drop';

export interface TwilioSandbox extends RunningServer {
  /** The first account: the deployment's. */
  accountSid: string;
  authToken: string;
  /** Opens one more account (a tenant's own, or a subaccount): its own SID and auth token, as Twilio serves many. */
  addAccount(accountSid: string, authToken: string): void;
  sent: SentMessage[];
  /** Calls placed through Calls.json (they ring nobody: a test answers them with the relay caller). */
  calls: PlacedCall[];
  /** Every request that reached Messages.json to send, accepted or not. */
  attempts: number;
  /** Every list request on Messages.json (a sender reconciling an attempt whose answer it lost). */
  lists: number;
  /** Called for every accepted message, as it is accepted (benchmarks time deliveries with it). */
  onSent: ((message: SentMessage) => void) | null;
  /** The next `times` sends fail with `failure`. */
  failNext(times: number, failure: TwilioFailure | typeof acceptThenDrop): void;
  /** Resolves once `count` messages were accepted. */
  waitForSent(count: number, timeoutMs?: number): Promise<SentMessage[]>;
  /** Forgets what was sent and scripted, and every account added after the first. */
  reset(): void;
}

export interface TwilioSandboxOptions {
  accountSid?: string;
  authToken?: string;
  port?: number;
  /**
   * Post signed status callbacks (`sent`, then `delivered`) to each message's StatusCallback, as Twilio does. The
   * local sandbox of `npm start` does; tests post the callbacks they need themselves.
   */
  statusCallbacks?: boolean;
  /**
   * Where status callbacks are delivered when the service is not reached from here at the URL it gave (in docker
   * compose, http://app:3000 rather than PUBLIC_BASE_URL). Only the origin changes: the signature still covers the
   * URL the service gave, which is the one it checks, as when Twilio reaches it through a proxy.
   */
  callbackBaseUrl?: string;
  /** Where to listen: the loopback interface unless other machines send through the sandbox (its own container). */
  host?: string;
}

const messagesPath = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Messages\.json$/;
const callsPath = /^\/2010-04-01\/Accounts\/(AC[0-9a-fA-F]{32})\/Calls\.json$/;

function sid(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

/** A message resource as Twilio's REST API returns it. */
function messageResource(message: SentMessage, status: string) {
  const created = new Date(message.at).toUTCString();
  return {
    sid: message.sid,
    account_sid: message.accountSid,
    api_version: '2010-04-01',
    body: message.body,
    date_created: created,
    date_updated: created,
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
    status,
    subresource_uris: { media: `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}/Media.json` },
    to: message.to,
    uri: `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}.json`,
  };
}

/** The Content API's list of templates with their WhatsApp approvals, one page. */
function contentAndApprovals(accountSid: string, url: URL) {
  const created = new Date('2026-11-01T00:00:00Z').toISOString();
  const self = `https://content.twilio.com/v1/ContentAndApprovals?PageSize=50&Page=0`;
  return {
    contents: sandboxTemplates.map((t) => ({
      sid: t.sid,
      account_sid: accountSid,
      friendly_name: t.friendlyName,
      language: t.language,
      variables: t.variables,
      types: { 'twilio/text': { body: t.body } },
      approval_requests: { name: t.friendlyName, category: 'UTILITY', content_type: 'twilio/text', status: t.status, rejection_reason: t.status === 'rejected' ? 'Promotional content' : '', allow_category_change: true },
      date_created: created,
      date_updated: created,
    })),
    meta: { page: 0, page_size: 50, first_page_url: self, previous_page_url: null, url: `https://content.twilio.com${url.pathname}${url.search}`, next_page_url: null, key: 'contents' },
  };
}

/** `url` at `base`'s origin, with its own path and query. */
function rebase(url: string, base: string): string {
  const { pathname, search } = new URL(url);
  return new URL(`${pathname}${search}`, base).toString();
}

/**
 * A Twilio REST stand-in speaking the real wire format: form-encoded POST to Messages.json with HTTP Basic auth
 * (Account SID : auth token) and GET of the same list (filtered by To and From, newest first), POST to Calls.json,
 * JSON resources back, Twilio's JSON error bodies on failure. `npm start` runs it when no Twilio account is configured;
 * the tests point the real `twilio` client at it.
 */
export async function startTwilioSandbox(options: TwilioSandboxOptions = {}): Promise<TwilioSandbox> {
  const accountSid = options.accountSid ?? sandboxAccountSid;
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const accounts = new Map([[accountSid, authToken]]);
  /** The account whose SID and token the request's Basic auth carries, if they match one. */
  const authenticated = (header: string | undefined): string | null => {
    const [sidGiven, tokenGiven] = Buffer.from((header ?? '').replace(/^Basic /, ''), 'base64').toString().split(':');
    return sidGiven && accounts.has(sidGiven) && accounts.get(sidGiven) === tokenGiven ? sidGiven : null;
  };
  const sent: SentMessage[] = [];
  const calls: PlacedCall[] = [];
  const failures: (TwilioFailure | typeof acceptThenDrop)[] = [];
  const waiters = new Set<() => void>();
  let attempts = 0;
  let lists = 0;

  function accept(account: string, form: URLSearchParams, to: string, from: string): SentMessage {
    const message: SentMessage = {
      sid: sid('SM'),
      accountSid: account,
      to,
      from,
      body: form.get('Body') ?? '',
      statusCallback: form.get('StatusCallback'),
      at: Date.now(),
    };
    const template = sandboxTemplates.find((t) => t.sid === form.get('ContentSid'));
    if (template) {
      message.contentSid = template.sid;
      message.body = fillTemplate(template.body, JSON.parse(form.get('ContentVariables') ?? '{}') as Record<string, string>);
    }
    sent.push(message);
    sandbox.onSent?.(message);
    for (const wake of waiters) wake();
    if (options.statusCallbacks && message.statusCallback) postStatusCallbacks(message, message.statusCallback);
    return message;
  }

  /** Signed like every Twilio webhook; a callback that cannot be delivered is dropped, as Twilio gives up too. */
  function postStatusCallbacks(message: SentMessage, url: string): void {
    const deliveryUrl = options.callbackBaseUrl && URL.canParse(url) ? rebase(url, options.callbackBaseUrl) : url;
    const post = (status: string) => {
      const params = { MessageSid: message.sid, MessageStatus: status, AccountSid: message.accountSid, To: message.to, From: message.from };
      const signature = twilio.getExpectedTwilioSignature(accounts.get(message.accountSid) ?? '', url, params);
      void fetch(deliveryUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(5000),
      }).catch(() => undefined);
    };
    setTimeout(() => post('sent'), 300).unref();
    setTimeout(() => post('delivered'), 900).unref();
  }

  /** Twilio's error body for a scripted failure. */
  function fail(res: ServerResponse, failure: TwilioFailure) {
    return sendJson(res, failure.status, { code: failure.code, message: failure.message, more_info: `https://www.twilio.com/docs/errors/${failure.code}`, status: failure.status });
  }

  function create(res: ServerResponse, account: string, body: string) {
    attempts += 1;
    const failure = failures.shift();
    if (failure && failure !== acceptThenDrop) return fail(res, failure);
    const form = new URLSearchParams(body);
    const to = form.get('To');
    const from = form.get('From') ?? form.get('MessagingServiceSid');
    const text = form.get('Body');
    const contentSid = form.get('ContentSid');
    if (contentSid && !sandboxTemplates.some((t) => t.sid === contentSid)) {
      return sendJson(res, 400, { code: 21655, message: 'The ContentSid is Invalid.', status: 400 });
    }
    if (contentSid) {
      try {
        JSON.parse(form.get('ContentVariables') ?? '{}');
      } catch {
        return sendJson(res, 400, { code: 21656, message: 'The ContentVariables Parameter is invalid.', status: 400 });
      }
    }
    if (!to) return sendJson(res, 400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
    if (!from) return sendJson(res, 400, { code: 21603, message: "A 'From' phone number is required.", status: 400 });
    if (!text && !form.get('MediaUrl') && !contentSid) return sendJson(res, 400, { code: 21602, message: 'Message body is required.', status: 400 });
    if ((text ?? '').length > 1600) {
      return sendJson(res, 400, { code: 21617, message: 'The concatenated message body exceeds the 1600 character limit.', status: 400 });
    }
    const message = accept(account, form, to, from);
    if (failure === acceptThenDrop) return void res.socket?.destroy();
    return sendJson(res, 201, messageResource(message, 'queued'));
  }

  function placeCall(res: ServerResponse, account: string, body: string) {
    const failure = failures.shift();
    if (failure && failure !== acceptThenDrop) return fail(res, failure);
    const form = new URLSearchParams(body);
    const to = form.get('To');
    const from = form.get('From');
    const url = form.get('Url') ?? form.get('Twiml');
    if (!to || !from) return sendJson(res, 400, { code: 21201, message: 'No To or From number was given.', status: 400 });
    if (!url) return sendJson(res, 400, { code: 21205, message: 'Url is not a valid URL.', status: 400 });
    const call: PlacedCall = { sid: sid('CA'), accountSid: account, to, from, url, statusCallback: form.get('StatusCallback') };
    calls.push(call);
    const now = new Date().toUTCString();
    return sendJson(res, 201, {
      sid: call.sid,
      account_sid: account,
      to: call.to,
      from: call.from,
      status: 'queued',
      direction: 'outbound-api',
      date_created: now,
      date_updated: now,
      start_time: null,
      end_time: null,
      duration: null,
      price: null,
      api_version: '2010-04-01',
      uri: `/2010-04-01/Accounts/${account}/Calls/${call.sid}.json`,
    });
  }

  function list(res: ServerResponse, account: string, url: URL) {
    lists += 1;
    const to = url.searchParams.get('To');
    const from = url.searchParams.get('From');
    const pageSize = Math.min(Number(url.searchParams.get('PageSize') ?? 50) || 50, 1000);
    const matching = sent.filter((m) => m.accountSid === account && (!to || m.to === to) && (!from || m.from === from)).reverse().slice(0, pageSize);
    const uri = `${url.pathname}?${url.searchParams.toString()}`;
    return sendJson(res, 200, {
      messages: matching.map((m) => messageResource(m, 'sent')),
      end: Math.max(matching.length - 1, 0),
      first_page_uri: uri,
      next_page_uri: null,
      page: 0,
      page_size: pageSize,
      previous_page_uri: null,
      start: 0,
      uri,
    });
  }

  const server = await startHttpServer((req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/sandbox/messages') return sendJson(res, 200, { messages: sent });
    // Twilio's Content API (content.twilio.com), reached under /content as the service's client sends it.
    if (req.method === 'GET' && url.pathname === '/content/v1/ContentAndApprovals') {
      const account = authenticated(req.headers.authorization);
      if (!account) return sendJson(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
      return sendJson(res, 200, contentAndApprovals(account, url));
    }
    const messages = messagesPath.exec(url.pathname);
    const calling = req.method === 'POST' ? callsPath.exec(url.pathname) : null;
    const match = messages ?? calling;
    if (!match || (req.method !== 'POST' && req.method !== 'GET')) {
      return sendJson(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    }
    const account = authenticated(req.headers.authorization);
    if (!account || match[1] !== account) {
      return sendJson(res, 401, { code: 20003, message: 'Authentication Error - invalid username', status: 401 });
    }
    if (calling) return placeCall(res, account, body);
    return req.method === 'POST' ? create(res, account, body) : list(res, account, url);
  }, options.port, options.host);

  const sandbox: TwilioSandbox = {
    ...server,
    onSent: null,
    accountSid,
    authToken,
    addAccount(sidOfAccount, tokenOfAccount) {
      accounts.set(sidOfAccount, tokenOfAccount);
    },
    sent,
    calls,
    get attempts() {
      return attempts;
    },
    get lists() {
      return lists;
    },
    failNext(times, failure) {
      for (let i = 0; i < times; i += 1) failures.push(failure);
    },
    waitForSent(count, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (sent.length < count) return;
          done();
          resolve([...sent]);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${count} sent messages (${sent.length} sent)`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    reset() {
      sent.length = 0;
      calls.length = 0;
      failures.length = 0;
      attempts = 0;
      lists = 0;
      sandbox.onSent = null;
      for (const added of accounts.keys()) if (added !== accountSid) accounts.delete(added);
    },
  };
  return sandbox;
}
