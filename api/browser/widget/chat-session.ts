import type { ErrorBody } from '../../protocol/error-body';
import type { OpenedSession, VisitorDetails } from '../../protocol/visitor-chat';
import { readJson } from '../shared/json';
import type { WidgetSettings } from './settings';

/** The session this browser keeps between pages. */
export interface KeptSession {
  sessionId: string;
  token: string;
  /** What the service knows of the visitor; sessions kept by earlier versions of the widget have none. */
  visitor?: Partial<VisitorDetails>;
}

/** A request to the chat API; its headers are a plain object, to which the session's token is added. */
export type ChatRequest = Omit<RequestInit, 'headers'> & { headers?: Record<string, string> };

/** The visitor's session with the chat API, kept in this browser while it lasts, and the calls made with it. */
export class ChatSession {
  current: KeptSession | null = null;

  constructor(
    private readonly settings: WidgetSettings,
    /** Told of every session kept: a new one, or what is known of the visitor changed. */
    private readonly changed: (session: KeptSession) => void,
  ) {}

  /** A session: the one kept in this browser while it lasts, else a new one for the same visitor. */
  async ensure(renew = false): Promise<void> {
    const { base, widgetKey, details, store } = this.settings;
    const kept = JSON.parse(localStorage.getItem(store.session) || 'null') as KeptSession | null;
    if (kept && !renew) {
      this.keep(kept);
      return;
    }
    const open = (given: WidgetSettings['details']) =>
      fetch(`${base}/api/chat/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ widgetKey, visitorToken: localStorage.getItem(store.visitor) || undefined, ...given }),
      });
    let response = await open(details);
    if (response.status === 400 || response.status === 422) {
      // Details the page passed that the service refuses (a malformed data-phone) must not keep the visitor out.
      console.warn('dc-chat: the visitor details were refused:', (await readJson<Partial<ErrorBody>>(response)).error?.message);
      response = await open({});
    }
    if (!response.ok) throw new Error(`the chat is not available (${response.status})`);
    const opened = await readJson<OpenedSession>(response);
    localStorage.setItem(store.visitor, opened.visitorToken);
    this.keep({ sessionId: opened.sessionId, token: opened.token, visitor: opened.visitor });
  }

  keep(session: KeptSession): void {
    this.current = session;
    localStorage.setItem(this.settings.store.session, JSON.stringify(session));
    this.changed(session);
  }

  /** The session the widget opened; asking before it did is a mistake in the widget. */
  get active(): KeptSession {
    if (!this.current) throw new Error('dc-chat: no session yet');
    return this.current;
  }

  /** POSTs `body` as JSON with the session's token. */
  post(path: string, body: unknown): Promise<Response> {
    return this.call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  /** Calls the chat API with the session's token (`:session` in the path is its id), opening a new session once if this one expired. */
  async call(path: string, init: ChatRequest = {}): Promise<Response> {
    for (let attempt = 0; ; attempt += 1) {
      const { sessionId, token } = this.active;
      const url = `${this.settings.base}${path.replace(':session', sessionId)}`;
      const response = await fetch(url, { ...init, headers: { ...(init.headers || {}), authorization: `Bearer ${token}` } });
      if (response.status !== 401 || attempt > 0) return response;
      await this.ensure(true);
    }
  }
}
