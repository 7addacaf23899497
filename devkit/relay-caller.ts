import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import WebSocket from 'ws';
import { signedForm } from './twilio-signing';

/** What the service sends over the relay socket, as ConversationRelay receives it. */
export interface ServiceFrame {
  type: string;
  /** `text`: a piece of the reply, the last one with `last: true`. */
  token?: string;
  last?: boolean;
  /** `end`: why the session ends (a JSON string). */
  handoffData?: string;
}

export interface SpokenReply {
  text: string;
  tokens: string[];
  /** Milliseconds from the prompt to the first and the last token. */
  firstTokenMs: number;
  lastTokenMs: number;
}

export interface CallerOptions {
  /** Where the service listens (may differ from the public URL behind a proxy). */
  apiUrl: string;
  /** The URL Twilio calls, which signatures are computed against (PUBLIC_BASE_URL). */
  publicBaseUrl: string;
  authToken: string;
  /** The caller's number and the service's. */
  from: string;
  to: string;
  callSid?: string;
  /** `outbound-api` for a call the service placed. */
  direction?: string;
  /** Leave the upgrade unsigned (or signed wrongly), to see it refused. */
  signature?: string;
  /** The session's id (a replayed setup has the one it copies). */
  sessionId?: string;
}

function twilioSid(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

function attribute(xml: string, element: string, name: string): string | null {
  const tag = new RegExp(`<${element}\\b[^>]*>`).exec(xml)?.[0] ?? '';
  const value = new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? null : value.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Twilio's side of a phone call to the service: the signed voice webhook, the TwiML it answers, the ConversationRelay
 * socket (upgrade signed over the public wss URL, `setup`, then prompts, key presses and interruptions) and, at
 * hang-up, the `<Connect action>` callback. `npm run call` plays a caller with it; the tests use it as Twilio.
 */
export class RelayCaller {
  readonly callSid: string;
  readonly sessionId: string;
  twiml = '';
  welcomeGreeting: string | null = null;
  connectAction: string | null = null;
  readonly received: ServiceFrame[] = [];
  private socket: WebSocket | null = null;
  private closeCode: Promise<number> = Promise.resolve(0);
  private listeners = new Set<(frame: ServiceFrame) => void>();
  private sentAt = 0;

  constructor(readonly options: CallerOptions) {
    this.callSid = options.callSid ?? twilioSid('CA');
    this.sessionId = options.sessionId ?? twilioSid('VX');
  }

  /** Rings the service: posts the voice webhook and reads the TwiML. Returns the HTTP status. */
  async ring(): Promise<number> {
    const path = '/webhooks/twilio/voice';
    const params = {
      CallSid: this.callSid,
      AccountSid: `AC${'0'.repeat(32)}`,
      From: this.options.from,
      To: this.options.to,
      CallStatus: 'ringing',
      Direction: this.options.direction ?? 'inbound',
      ApiVersion: '2010-04-01',
    };
    const response = await fetch(`${this.options.apiUrl}${path}`, {
      method: 'POST',
      ...signedForm(`${this.options.publicBaseUrl}${path}`, this.options.authToken, params),
    });
    this.twiml = await response.text();
    this.welcomeGreeting = attribute(this.twiml, 'ConversationRelay', 'welcomeGreeting');
    this.connectAction = attribute(this.twiml, 'Connect', 'action');
    return response.status;
  }

  /**
   * Opens the relay socket the TwiML names (without a ring, the service's usual one) and sends `setup`. Rejects when
   * the service refuses the upgrade.
   */
  async connect(): Promise<void> {
    const publicUrl = this.twiml
      ? attribute(this.twiml, 'ConversationRelay', 'url')
      : `${this.options.publicBaseUrl.replace(/^http/, 'ws')}/webhooks/twilio/relay`;
    if (!publicUrl) throw new Error(`the TwiML has no ConversationRelay url: ${this.twiml}`);
    const { pathname, search } = new URL(publicUrl);
    const signature = this.options.signature ?? twilio.getExpectedTwilioSignature(this.options.authToken, publicUrl, {});
    const socket = new WebSocket(`${this.options.apiUrl.replace(/^http/, 'ws')}${pathname}${search}`, {
      headers: signature ? { 'x-twilio-signature': signature } : {},
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
      socket.once('error', reject);
    });
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as ServiceFrame;
      this.received.push(frame);
      for (const listener of this.listeners) listener(frame);
    });
    this.socket = socket;
    this.closeCode = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
    this.frame({
      type: 'setup',
      sessionId: this.sessionId,
      accountSid: `AC${'0'.repeat(32)}`,
      parentCallSid: '',
      callSid: this.callSid,
      from: this.options.from,
      to: this.options.to,
      forwardedFrom: '',
      callType: 'PSTN',
      callerName: '',
      direction: this.options.direction === 'outbound-api' ? 'outbound' : 'inbound',
      callStatus: 'RINGING',
      customParameters: {},
    });
  }

  /** The close code of the socket, once the service (or the caller) closed it. */
  closed(): Promise<number> {
    return this.closeCode;
  }

  /** The caller finished saying `words` (a final prompt). */
  say(words: string): void {
    this.sentAt = performance.now();
    this.frame({ type: 'prompt', voicePrompt: words, lang: 'en-US', last: true });
  }

  press(digit: string): void {
    this.sentAt = performance.now();
    this.frame({ type: 'dtmf', digit });
  }

  /** The caller talked over the reply after hearing `heard`. */
  interrupt(heard: string, durationMs = 1200): void {
    this.frame({ type: 'interrupt', utteranceUntilInterrupt: heard, durationUntilInterruptMs: String(durationMs) });
  }

  /** Any frame, as is (tests send malformed ones too). */
  frame(frame: unknown): void {
    this.socket?.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Calls `listener` for every frame the service sends from now on; returns how to stop. */
  listen(listener: (frame: ServiceFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Collects text tokens until `last: true`: one spoken reply, timed from the prompt (said before or after this call). */
  reply(timeoutMs = 20_000): Promise<SpokenReply> {
    const tokens: string[] = [];
    let firstTokenMs = -1;
    return this.until((frame) => {
      if (frame.type !== 'text') return undefined;
      const token = String(frame.token);
      if (token) tokens.push(token);
      if (firstTokenMs < 0 && token) firstTokenMs = performance.now() - this.sentAt;
      if (!frame.last) return undefined;
      const lastTokenMs = performance.now() - this.sentAt;
      return { text: tokens.join(''), tokens, firstTokenMs: firstTokenMs < 0 ? lastTokenMs : firstTokenMs, lastTokenMs };
    }, timeoutMs, 'a spoken reply');
  }

  /** Resolves with the handoffData of the service's `end` frame. */
  ended(timeoutMs = 20_000): Promise<string> {
    return this.until((frame) => (frame.type === 'end' ? String(frame.handoffData) : undefined), timeoutMs, 'the end of the session');
  }

  /** Hangs up: closes the socket and posts the `<Connect action>` callback as Twilio does. Returns its TwiML. */
  async hangUp(session: { status?: string; handoffData?: string } = {}): Promise<string> {
    this.socket?.close();
    await new Promise<void>((resolve) => (this.socket && this.socket.readyState !== WebSocket.CLOSED ? this.socket.once('close', () => resolve()) : resolve()));
    if (!this.connectAction) return '';
    const action = new URL(this.connectAction);
    const params: Record<string, string> = {
      AccountSid: `AC${'0'.repeat(32)}`,
      CallSid: this.callSid,
      CallStatus: 'in-progress',
      From: this.options.from,
      To: this.options.to,
      Direction: this.options.direction ?? 'inbound',
      SessionId: this.sessionId,
      SessionStatus: session.status ?? 'completed',
      SessionDuration: '12',
      ...(session.handoffData ? { HandoffData: session.handoffData } : {}),
    };
    const response = await fetch(`${this.options.apiUrl}${action.pathname}${action.search}`, {
      method: 'POST',
      ...signedForm(this.connectAction, this.options.authToken, params),
    });
    return response.text();
  }

  private until<T>(match: (frame: ServiceFrame) => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const stop = this.listen((frame) => {
        const value = match(frame);
        if (value === undefined) return;
        clearTimeout(timer);
        stop();
        resolve(value);
      });
    });
  }
}
