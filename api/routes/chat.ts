import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { z } from 'zod';
import { conversationWorkflowId, type ConversationKey } from '../conversation-client';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { jsonBody } from '../json-body';
import { LiveReply } from '../live-reply';
import { RateLimiter } from '../rate-limit';
import { relayEvents } from '../sse';
import { getMessage, listMessages, messagesAfter } from '../../db/repositories/messages';
import { openSession, sessionForToken, tenantForWidgetKey } from '../../db/repositories/web';
import type { BusEvent } from '../../db/events';
import type { Message, WebSession } from '../../db/schema';
import type { WebTurnResult } from '../../workflows/definitions';

const sessionBody = z.object({
  widgetKey: z.string().min(1).max(100),
  /** The visitor's secret from an earlier session: their history stays with them. */
  visitorToken: z.string().max(200).optional(),
  name: z.string().trim().min(1).max(100).optional(),
  email: z.email().max(200).optional(),
});

/** What the AI SDK's DefaultChatTransport posts; only the newest user message counts (the workflow owns history). */
const chatBody = z.object({
  id: z.string().max(200).optional(),
  trigger: z.string().max(50).optional(),
  messageId: z.string().max(200).optional(),
  messages: z
    .array(
      z.looseObject({
        id: z.string().min(1).max(200),
        role: z.string(),
        parts: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })).default([]),
      }),
    )
    .min(1)
    .max(1000),
});

const maxMessageChars = 4000;

/** The AI SDK's UI message stream protocol (what `useChat` reads), one part per SSE `data:` line. */
type StreamPart =
  | { type: 'start'; messageId: string }
  | { type: 'start-step' | 'finish-step' | 'finish' }
  | { type: 'text-start' | 'text-end'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: `data-${string}`; data: unknown; transient?: boolean }
  | { type: 'error'; errorText: string };

function streamHeaders(c: Context): void {
  c.header('x-vercel-ai-ui-message-stream', 'v1');
  c.header('x-accel-buffering', 'no');
}

/** `/api/chat`: a web visitor's sessions and the chat endpoint that `useChat` (and the widget) talk to. */
export function chatRoutes({ config, db, events, conversations, log }: ApiDeps) {
  const app = new Hono();
  const idleMs = config.WEB_SESSION_IDLE_MS;
  const limits = {
    session: new RateLimiter('messages in this chat', config.WEB_RATE_PER_SESSION),
    address: new RateLimiter('requests from this address', config.WEB_RATE_PER_IP),
    tenant: new RateLimiter('chat messages for this site', config.WEB_RATE_PER_TENANT),
  };
  /** The visitor's address as this process sees it (a proxy in front should keep its own limits too). */
  const addressOf = (c: Context) => (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? 'unknown';

  /** CORS: the widget runs on the tenant's sites. Which origins may is checked once the tenant is known. */
  app.use('*', async (c, next) => {
    const origin = c.req.header('origin');
    if (origin) {
      c.header('access-control-allow-origin', origin);
      c.header('vary', 'Origin');
    }
    if (c.req.method === 'OPTIONS') {
      c.header('access-control-allow-methods', 'GET, POST, OPTIONS');
      c.header('access-control-allow-headers', 'authorization, content-type, last-event-id');
      c.header('access-control-max-age', '600');
      return c.body(null, 204);
    }
    await next();
  });

  function checkOrigin(c: Context, allowed: string[]): void {
    const origin = c.req.header('origin');
    if (origin && allowed.length > 0 && !allowed.includes(origin)) {
      throw new HttpError(403, 'origin_not_allowed', `this widget key does not work on ${origin}`);
    }
  }

  /** The session the bearer token opens (also `?token=`, for EventSource), on a site its tenant allows. */
  async function sessionOf(c: Context): Promise<WebSession & { key: ConversationKey; conversationId: string }> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? c.req.query('token');
    if (!bearer) throw new HttpError(401, 'unauthorized', 'a chat session token is required');
    const session = await sessionForToken(db, bearer, idleMs);
    if (!session) throw new HttpError(401, 'session_expired', 'unknown or expired chat session; open a new one');
    const tenant = await db.selectFrom('tenants').select('allowed_origins').where('id', '=', session.tenant_id).executeTakeFirstOrThrow();
    checkOrigin(c, tenant.allowed_origins);
    const key = { tenantId: session.tenant_id, contactKey: `web:${session.visitor_id}` };
    return { ...session, key, conversationId: conversationWorkflowId(key) };
  }

  /** Opens a session for a visitor (a new one, or the one `visitorToken` names). */
  app.post('/sessions', bodyLimit({ maxSize: 16 * 1024, onError: tooLarge }), jsonBody(sessionBody), async (c) => {
    const { widgetKey, visitorToken, name, email } = c.req.valid('json');
    const tenant = await tenantForWidgetKey(db, widgetKey);
    if (!tenant) throw new HttpError(404, 'unknown_widget_key', 'no tenant has this widget key');
    checkOrigin(c, tenant.allowed_origins);
    limits.address.take(addressOf(c));
    const opened = await openSession(db, { tenantId: tenant.id, visitorSecret: visitorToken, name, email });
    return c.json(
      {
        sessionId: opened.session.id,
        token: opened.token,
        visitorToken: opened.visitorSecret,
        idleTimeoutSeconds: Math.round(idleMs / 1000),
      },
      201,
    );
  });

  /** One visitor message in, its reply out as the AI SDK's UI message stream, token by token. */
  // useChat posts the whole history by default: room for a long one, not for anything else.
  app.post('/', bodyLimit({ maxSize: 1024 * 1024, onError: tooLarge }), async (c) => {
    const session = await sessionOf(c);
    const parsed = chatBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new HttpError(400, 'invalid_body', parsed.error.issues[0]?.message ?? 'not a chat request');
    const newest = [...parsed.data.messages].reverse().find((m) => m.role === 'user');
    const text = (newest?.parts ?? [])
      .filter((p) => p.type === 'text')
      .map((p) => p.text ?? '')
      .join('')
      .trim();
    if (!newest || !text) throw new HttpError(400, 'invalid_body', 'the newest user message has no text');
    if (text.length > maxMessageChars) throw new HttpError(413, 'message_too_large', `a message is limited to ${maxMessageChars} characters`);
    // Refused before anything is written: the message is not recorded and the visitor may send it again later.
    limits.session.take(session.id);
    limits.address.take(addressOf(c));
    limits.tenant.take(session.tenant_id);

    streamHeaders(c);
    return streamSSE(c, async (stream) => {
      const reply = new LiveReply(newest.id);
      const textId = `text-${newest.id}`;
      // Parts go out in order: the start, then each token the moment it arrives, then the end.
      let writing = start(stream, `reply-${newest.id}`, textId);
      const unsubscribe = events.subscribeConversation(session.conversationId, (event) => {
        if (event.type !== 'token') return;
        const fresh = reply.take(event);
        if (fresh) writing = writing.then(() => part(stream, { type: 'text-delta', id: textId, delta: fresh }));
      });
      stream.onAbort(() => unsubscribe());
      try {
        await events.ready();
        const result = await conversations.webTurn(session.key, {
          sessionId: session.id,
          turnId: newest.id,
          text,
          receivedAt: new Date().toISOString(),
        });
        await writing;
        await finishReply(stream, textId, reply, result);
      } catch (error) {
        log.warn('chat: turn failed', { error: String(error), sessionId: session.id });
        await writing.catch(() => undefined);
        await part(stream, { type: 'error', errorText: 'The reply could not be written. Please try again.' });
      } finally {
        unsubscribe();
        await stream.writeSSE({ data: '[DONE]' });
      }
    });
  });

  /** Resumes the reply being written for this session (204 when there is none). */
  app.get('/:id/stream', async (c) => {
    const session = await sessionOf(c);
    if (c.req.param('id') !== session.id) throw new HttpError(404, 'not_found', 'no such chat in this session');
    const live = (await conversations.snapshot(session.conversationId))?.webTurn;
    if (!live || live.sessionId !== session.id) return c.body(null, 204);
    streamHeaders(c);
    return streamSSE(c, async (stream) => {
      const textId = `text-${live.turnId}`;
      await start(stream, `reply-${live.turnId}`, textId);
      const result = await conversations.webTurnResult(session.conversationId, session.id, live.turnId);
      await finishReply(stream, textId, new LiveReply(live.turnId), result);
      await stream.writeSSE({ data: '[DONE]' });
    });
  });

  /** The visitor's conversation so far, oldest first: what the widget shows when it opens. */
  app.get('/sessions/:id/messages', async (c) => {
    const session = await sessionOf(c);
    if (c.req.param('id') !== session.id) throw new HttpError(404, 'not_found', 'no such chat in this session');
    const rows = await listMessages(db, session.conversationId, { limit: 200, newestFirst: true });
    const visible = rows.reverse().filter((m) => m.direction !== 'internal');
    return c.json({
      messages: visible.map((m) => ({ id: m.id, author: m.author, text: m.body, createdAt: m.created_at.toISOString() })),
    });
  });

  /**
   * The visitor's live stream, for what arrives while no request is open: an agent's reply, a reply finished after
   * its request went away, a person joining, the handoff opening and closing. Each message event's id is its time
   * and id; a client reconnecting with `Last-Event-ID` first gets the messages it missed.
   */
  app.get('/sessions/:id/events', async (c) => {
    const session = await sessionOf(c);
    if (c.req.param('id') !== session.id) throw new HttpError(404, 'not_found', 'no such chat in this session');
    const [since = '', sinceId = ''] = (c.req.header('last-event-id') ?? c.req.query('lastEventId') ?? '').split('|');
    const sinceTime = since && !Number.isNaN(Date.parse(since)) ? new Date(since) : null;
    return streamSSE(c, async (stream) => {
      const writeMessage = async (message: Message) => {
        if (message.direction !== 'outbound') return;
        await stream.writeSSE({
          event: 'message',
          id: `${message.created_at.toISOString()}|${message.id}`,
          data: JSON.stringify({ id: message.id, author: message.author, text: message.body, createdAt: message.created_at.toISOString() }),
        });
      };
      await relayEvents<BusEvent>(
        stream,
        (push) => events.subscribeConversation(session.conversationId, push),
        async (event) => {
          if (event.type === 'message') {
            const message = await getMessage(db, event.messageId);
            if (message) await writeMessage(message);
          } else if (event.type === 'handoff') {
            const name = handoffEvents[event.status];
            if (name) await stream.writeSSE({ event: name, data: JSON.stringify({ status: event.status }) });
          }
        },
        async () => {
          await events.ready();
          if (sinceTime) for (const message of await messagesAfter(db, session.conversationId, sinceId, sinceTime)) await writeMessage(message);
          await stream.writeSSE({ event: 'ready', data: '{}' });
        },
      );
    });
  });

  async function start(stream: SSEStreamingApi, messageId: string, textId: string): Promise<void> {
    await part(stream, { type: 'start', messageId });
    await part(stream, { type: 'start-step' });
    await part(stream, { type: 'text-start', id: textId });
  }

  /** The rest of the reply (what the tokens did not carry), or the service's text when people take over. */
  async function finishReply(stream: SSEStreamingApi, textId: string, reply: LiveReply, result: WebTurnResult): Promise<void> {
    let rest = reply.rest(result.text);
    if (result.outcome === 'handoff' && result.messageId) rest = (await getMessage(db, result.messageId))?.body ?? '';
    if (rest) await part(stream, { type: 'text-delta', id: textId, delta: rest });
    await part(stream, { type: 'text-end', id: textId });
    // The recorded message's id: a client also following the session's live stream shows the reply once.
    if (result.messageId) await part(stream, { type: 'data-message', data: { id: result.messageId }, transient: true });
    if (result.outcome === 'handoff') await part(stream, { type: 'data-handoff', data: { state: 'open' } });
    await part(stream, { type: 'finish-step' });
    await part(stream, { type: 'finish' });
  }

  return app;
}

function tooLarge(): never {
  throw new HttpError(413, 'payload_too_large', 'the request is too large');
}

/** What a visitor is told of their conversation's handoff. */
const handoffEvents: Record<string, string> = {
  open: 'handoff_opened',
  claimed: 'agent_joined',
  resolved: 'handoff_closed',
  expired: 'handoff_closed',
};

function part(stream: SSEStreamingApi, value: StreamPart): Promise<void> {
  return stream.writeSSE({ data: JSON.stringify(value) });
}
