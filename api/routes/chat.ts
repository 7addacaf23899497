import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { ChatAccess, SessionEnv } from '../chat-access';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { LiveReply } from '../live-reply';
import { chatSecurity, declaredRoutes, emailAddress, errorAnswers, jsonAnswer, text, withJsonBody } from '../openapi';
import { phoneNumber } from '../contacts';
import { getMessage } from '../../db/repositories/messages';
import { openSession, tenantForWidgetKey } from '../../db/repositories/web';
import type { WebTurnResult } from '../../workflows/definitions';
import type { StreamPart } from '../protocol/chat-stream';
import type { OpenedSession } from '../protocol/visitor-chat';
import { openedSessionSchema, sessionIdParam, typedPhone } from '../protocol/visitor-schemas';


const sessionBody = z
  .object({
    widgetKey: z.string().min(1).max(100).openapi({ description: "The tenant's widget key (the widget's `data-widget-key`)." }),
    visitorToken: z.string().max(200).optional().openapi({ description: "The visitor's secret from an earlier session: their history stays with them." }),
    name: text(100).optional(),
    email: emailAddress.optional(),
    phone: typedPhone.optional().openapi({ description: "A number the visitor gave: shown to agents, not proved (linking the phone's conversation takes the texted code)." }),
  })
  .openapi('NewChatSession');

/** What the AI SDK's DefaultChatTransport posts; only the newest user message counts (the workflow owns history). */
const chatBody = z
  .object({
    id: z.string().max(200).optional(),
    trigger: z.string().max(50).optional(),
    messageId: z.string().max(200).optional(),
    messages: z
      .array(
        z.looseObject({
          id: z.string().min(1).max(200),
          role: z.enum(['system', 'user', 'assistant']),
          parts: z.array(z.looseObject({ type: z.string().max(100), text: z.string().optional() })).default([]),
        }),
      )
      .min(1)
      .max(1000),
  })
  .openapi('ChatRequest', { description: "What the AI SDK's `useChat` posts: only the newest `user` message's text parts are read (the conversation keeps the history)." });

const tags = ['Web chat'];
const eventStream = (description: string) => ({ description, content: { 'text/event-stream': { schema: z.string() } } });

const maxMessageChars = 4000;

function streamHeaders(c: Context): void {
  c.header('x-vercel-ai-ui-message-stream', 'v1');
  c.header('x-accel-buffering', 'no');
}

/** `/api/chat`: a web visitor's sessions and the chat endpoint that `useChat` (and the widget) talk to. */
export function chatRoutes(deps: ApiDeps, access: ChatAccess) {
  const { db, events, conversations, log } = deps;
  const app = declaredRoutes<SessionEnv>();
  const { idleMs, limits, addressOf, checkOrigin, withSession, ownSession, cors } = access;
  app.use('*', cors);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions',
      summary: "Open a visitor's chat session",
      description: 'A new session, or the visitor\'s own again when `visitorToken` names them. Anyone may open one on a site the tenant allows (`Origin`).',
      tags,
      ...withJsonBody(sessionBody),
      responses: { 201: jsonAnswer(openedSessionSchema, 'The session and its token.'), ...errorAnswers(400, 403, 404, 413, 415, 422, 429) },
    }),
    async (c) => {
      const { widgetKey, visitorToken, name, email, phone: givenPhone } = c.req.valid('json');
      const phone = givenPhone === undefined ? undefined : phoneNumber(givenPhone);
      if (phone === null) throw new HttpError(422, 'invalid_phone', 'not a phone number');
      const tenant = await tenantForWidgetKey(db, widgetKey);
      if (!tenant) throw new HttpError(404, 'unknown_widget_key', 'no tenant has this widget key');
      checkOrigin(c, tenant.allowed_origins);
      limits.address.take(addressOf(c));
      const opened = await openSession(db, { tenantId: tenant.id, visitorSecret: visitorToken, details: { name, email, phone } });
      const { visitor } = opened;
      return c.json(
        {
          sessionId: opened.session.id,
          token: opened.token,
          visitorToken: opened.visitorSecret,
          idleTimeoutSeconds: Math.round(idleMs / 1000),
          visitor: { name: visitor.name, email: visitor.email, phone: visitor.phone, linkedPhone: visitor.linked_phone },
        } satisfies OpenedSession,
        201,
      );
    },
  );

  /** One visitor message in, its reply out as the AI SDK's UI message stream, token by token. */
  // useChat posts the whole history by default: this route takes a larger body than others (`body-limit.ts`).
  app.openapi(
    createRoute({
      method: 'post',
      path: '/',
      summary: 'Send a message; its reply streams back',
      description:
        "The AI SDK's UI message stream protocol (what `useChat` reads): `start`, `text-delta` parts as the reply is written, `data-message` (the recorded reply's id), `data-handoff`, `data-quick-replies`, `data-actions`, `finish`, then `data: [DONE]`.",
      tags,
      security: chatSecurity,
      ...withJsonBody(chatBody, undefined, [withSession]),
      responses: { 200: eventStream('The reply, part by part.'), ...errorAnswers(400, 401, 403, 413, 415, 422, 429) },
    }),
    async (c) => {
      const session = c.get('session');
      const newest = [...c.req.valid('json').messages].reverse().find((m) => m.role === 'user');
      const text = (newest?.parts ?? [])
        .filter((p) => p.type === 'text')
        .map((p) => p.text ?? '')
        .join('')
        .trim();
      if (!newest || !text) throw new HttpError(422, 'no_text', 'the newest user message has no text');
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
    },
  );

  /** Resumes the reply being written for this session (204 when there is none). */
  app.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/stream',
      summary: 'Resume the reply being written',
      description: 'The reply this session is waiting for, as `POST /api/chat` streams it (a page reloaded mid-reply); 204 when there is none.',
      tags,
      security: chatSecurity,
      middleware: [ownSession],
      request: { params: sessionIdParam },
      responses: { 200: eventStream('The rest of the reply, part by part.'), 204: { description: 'No reply is being written for this session.' }, ...errorAnswers(400, 401, 403, 404, 429) },
    }),
    async (c) => {
      const session = c.get('session');
      // Each resume asks the conversation for its turn: it counts as a request from the address.
      limits.address.take(addressOf(c));
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
    },
  );

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
    if (result.options?.quickReplies.length) await part(stream, { type: 'data-quick-replies', data: { replies: result.options.quickReplies } });
    if (result.options?.actions.length) await part(stream, { type: 'data-actions', data: { actions: result.options.actions } });
    await part(stream, { type: 'finish-step' });
    await part(stream, { type: 'finish' });
  }

  return app;
}

function part(stream: SSEStreamingApi, value: StreamPart): Promise<void> {
  return stream.writeSSE({ data: JSON.stringify(value) });
}
