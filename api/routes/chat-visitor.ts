import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE, type SSEMessage } from 'hono/streaming';
import type { ChatAccess, SessionEnv } from '../chat-access';
import { codeCountries, countryOf, phoneNumber } from '../contacts';
import type { ApiDeps } from '../deps';
import { HttpError, tooManyRequests } from '../errors';
import { chatSecurity, declaredRoutes, errorAnswers, jsonAnswer, queryText, withJsonBody } from '../openapi';
import { relayEvents } from '../sse';
import { StreamSlots } from '../stream-slots';
import { publishEvent, type BusEvent } from '../../db/events';
import { getMessage, listMessages, messagesAfter } from '../../db/repositories/messages';
import { checkCode, issueCode, type CodeLimits, type CodeRefusal } from '../../db/repositories/phone-codes';
import { getTenant } from '../../db/repositories/tenants';
import type { Message } from '../../db/schema';
import { readReplyOptions } from '../../domain/reply-options';
import type { CodeSent, PhoneLinked, VisitorEvents, VisitorHistory, VisitorMessage } from '../protocol/visitor-chat';
import { codeSentSchema, phoneLinkedSchema, sessionIdParam, typedPhone, visitorHistorySchema } from '../protocol/visitor-schemas';

const codeTtlMs = 10 * 60_000;
const typingEveryMs = 1000;
/** A visitor's live streams open at once (tabs, a reconnect overlapping the stream it replaces). */
const maxStreamsPerSession = 3;
/** Wrong codes one code takes before the visitor needs a new one. */
const maxCodeAttempts = 5;
/**
 * Per hour, whoever asks: one number gets at most 5 codes and its conversation takes at most 10 wrong codes; a
 * chat session may have 2 numbers texted (a visitor who mistyped theirs tries again), a visitor 3, an address 10.
 */
const codeLimits: CodeLimits = {
  codesPerNumber: 5,
  wrongCodesPerNumber: 10,
  numbersPerSession: 2,
  numbersPerVisitor: 3,
  numbersPerAddress: 10,
  windowMs: 60 * 60_000,
};

/** Why a code was not sent, in words, with when to ask again. */
const codeRefusals: Record<CodeRefusal, [code: string, message: string]> = {
  number: ['too_many_codes', 'this number has been sent enough codes for now'],
  session: ['too_many_numbers', 'this chat has had codes sent to enough numbers for now'],
  visitor: ['too_many_numbers', 'codes have been sent to enough of your numbers for now'],
  address: ['too_many_numbers', 'codes have been sent to enough numbers from your network for now'],
  tenant: ['codes_unavailable', 'this site cannot text more codes for now'],
};

function codeRefusal(code: string, message: string, retryAt: Date): HttpError {
  return tooManyRequests(code, retryAt.getTime(), (seconds) => `${message}; try again in ${Math.ceil(seconds / 60)} min`);
}

const phoneBody = z.object({ phone: typedPhone });
const codeBody = z.object({ code: z.string().regex(/^\d{6}$/, 'six digits').openapi({ description: 'The six digits texted to the number.' }) });
const tags = ['Web chat'];
const request = { params: sessionIdParam };

/** What a visitor is told of their conversation's handoff. */
const handoffEvents: Record<string, 'handoff_opened' | 'agent_joined' | 'handoff_closed'> = {
  open: 'handoff_opened',
  claimed: 'agent_joined',
  resolved: 'handoff_closed',
  expired: 'handoff_closed',
};

/** The conversation events a visitor's live stream carries. */
const visitorEventTypes = new Set<BusEvent['type']>(['message', 'typing', 'handoff']);

/** A message as the visitor sees it, with the buttons a reply carried. */
function visitorView(m: Message): VisitorMessage {
  return { id: m.id, author: m.author, text: m.body, options: readReplyOptions(m.options), createdAt: m.created_at.toISOString() };
}

/** One event of the visitor's live stream, its data as `VisitorEvents` says. */
function visitorEvent<K extends keyof VisitorEvents>(event: K, data: VisitorEvents[K], id?: string): SSEMessage {
  return { event, data: JSON.stringify(data), id };
}

/** `/api/chat/sessions/:id/…`: what a visitor's session has besides the chat itself: history, live stream, phone. */
export function chatVisitorRoutes(deps: ApiDeps, access: ChatAccess) {
  const { db, events, conversations } = deps;
  const { limits, addressOf, ownSession, cors } = access;
  const app = declaredRoutes<SessionEnv>();
  app.use('*', cors);
  app.use('/sessions/:id/*', ownSession);

  /**
   * A visitor claims a phone number: a one-time code goes to it by SMS through the normal send path (outbox,
   * opt-out). Claiming reveals nothing; only the code, typed back, links the chat to that person's conversation.
   */
  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/{id}/phone',
      summary: 'Text a code to a number the visitor claims',
      description: "Claiming reveals nothing; the code, typed back (`/phone/verify`), links the chat to that number's conversation. Codes go to the countries the tenant allows, within hourly limits per number, chat, visitor and address.",
      tags,
      security: chatSecurity,
      ...withJsonBody(phoneBody, request),
      responses: { 202: jsonAnswer(codeSentSchema, 'The code is on its way.'), ...errorAnswers(400, 401, 403, 404, 409, 413, 415, 422, 429) },
    }),
    async (c) => {
      const session = c.get('session');
      const phone = phoneNumber(c.req.valid('json').phone);
      if (!phone) throw new HttpError(422, 'invalid_phone', 'not a phone number');
      const address = addressOf(c);
      limits.address.take(address);
      limits.session.take(session.id);
      limits.tenant.take(session.tenant_id);
      const tenant = await getTenant(db, session.tenant_id);
      if (!tenant?.sender_number) throw new HttpError(409, 'no_sender_number', 'this site has no number to send codes from');
      const countries = codeCountries(tenant);
      const country = countryOf(phone);
      if (!country || !countries.includes(country)) {
        throw new HttpError(422, 'country_not_allowed', `this site texts codes to numbers in ${countries.join(', ') || 'no country'} only`);
      }
      const issued = await issueCode(db, { session, address, phone, ttlMs: codeTtlMs, tenantBudget: tenant.codes_per_hour }, codeLimits);
      if (!issued.issued) throw codeRefusal(...codeRefusals[issued.refusal], issued.retryAt);
      // Sent from the number's own conversation, never the visitor's: the code must not show in the chat it unlocks.
      // Only the code's id travels; the delivery derives the code, and no record keeps it.
      await conversations
        .sendCode({ tenantId: session.tenant_id, contactKey: phone }, { phone, sender: tenant.sender_number, codeId: issued.codeId })
        .catch((error: unknown) => {
          // Why the channel refused (that number opted out, say) is that number's business, not the visitor's.
          if (error instanceof HttpError && error.code === 'not_sent') throw new HttpError(422, 'not_sent', 'the code could not be sent to this number');
          throw error;
        });
      return c.json({ sent: true, expiresInSeconds: codeTtlMs / 1000 } satisfies CodeSent, 202);
    },
  );

  /** The code typed back: right, and the chat is that person's conversation from now on. */
  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/{id}/phone/verify',
      summary: 'Type the texted code back',
      description: "The right code links the chat to that number's conversation (its texts and calls included). A wrong code or none waiting is 422; five wrong codes use a code up, ten lock the number for the hour (429).",
      tags,
      security: chatSecurity,
      ...withJsonBody(codeBody, request),
      responses: { 200: jsonAnswer(phoneLinkedSchema, 'Linked.'), ...errorAnswers(400, 401, 403, 404, 413, 415, 422, 429) },
    }),
    async (c) => {
      const session = c.get('session');
      const check = await checkCode(db, session, c.req.valid('json').code, maxCodeAttempts, codeLimits);
      switch (check.outcome) {
        case 'linked':
          return c.json({ linked: true, phone: check.phone } satisfies PhoneLinked);
        case 'wrong':
          throw new HttpError(422, 'wrong_code', `that code is not right (${check.attemptsLeft} tries left)`);
        case 'exhausted':
          throw new HttpError(429, 'too_many_attempts', 'too many wrong codes; ask for a new one');
        case 'number_locked':
          throw codeRefusal('number_locked', 'too many wrong codes for this number', check.retryAt);
        default:
          throw new HttpError(422, 'no_code', 'no code is waiting for this chat, or it expired; ask for a new one');
      }
    },
  );

  /**
   * The visitor is writing: agents handling the chat see it (nothing is stored). At most one notice a second per
   * session goes out (the widget sends one every few seconds); the rest are answered the same and dropped.
   */
  const lastTyping = new Map<string, number>();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/sessions/{id}/typing',
      summary: 'The visitor is writing',
      description: 'Agents handling the chat see it; nothing is stored. At most one notice a second per session goes out.',
      tags,
      security: chatSecurity,
      request,
      responses: { 204: { description: 'Noted.' }, ...errorAnswers(400, 401, 403, 404) },
    }),
    async (c) => {
      const session = c.get('session');
      const now = Date.now();
      if (now - (lastTyping.get(session.id) ?? 0) >= typingEveryMs) {
        if (lastTyping.size > 10_000) lastTyping.clear();
        lastTyping.set(session.id, now);
        await publishEvent(db, { type: 'typing', tenantId: session.tenant_id, conversationId: session.conversationId, who: 'customer' });
      }
      return c.body(null, 204);
    },
  );

  /** The visitor's conversation so far, oldest first: what the widget shows when it opens. */
  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/messages',
      summary: "The visitor's conversation so far",
      description: 'Oldest first, the newest 200 (notes between agents left out): what the widget shows when it opens.',
      tags,
      security: chatSecurity,
      request,
      responses: { 200: jsonAnswer(visitorHistorySchema, 'The messages.'), ...errorAnswers(400, 401, 403, 404) },
    }),
    async (c) => {
      const session = c.get('session');
      const rows = await listMessages(db, session.conversationId, { limit: 200, newestFirst: true });
      const visible = rows.reverse().filter((m) => m.direction !== 'internal');
      return c.json({ messages: visible.map(visitorView) } satisfies VisitorHistory, 200);
    },
  );

  /**
   * The visitor's live stream, for what arrives while no request is open: an agent's reply, a reply finished after
   * its request went away, a person joining and typing, the handoff opening and closing. Each message event's id is
   * its time and id; a client reconnecting with `Last-Event-ID` first gets the messages it missed (and those of the
   * few seconds before, which it tells apart by id).
   */
  const liveStreams = new StreamSlots('this chat', maxStreamsPerSession);
  app.openapi(
    createRoute({
      method: 'get',
      path: '/sessions/{id}/events',
      summary: "The visitor's live stream (server-sent events)",
      description:
        'What arrives while no request is open: `message` (an agent\'s reply, a reply finished after its request went away; its id `<createdAt>|<message id>`), `typing`, `handoff_opened`, `agent_joined`, `handoff_closed`, `ready` once live, `ping` when idle. `Last-Event-ID` (or `?lastEventId=`) first sends the messages missed; the token may come as `?token=` (EventSource sends no headers). At most three streams a session.',
      tags,
      security: chatSecurity,
      request: { params: sessionIdParam, query: z.object({ token: queryText(200).optional(), lastEventId: queryText(200).optional() }) },
      responses: { 200: { description: 'An event stream that stays open.', content: { 'text/event-stream': { schema: z.string() } } }, ...errorAnswers(400, 401, 403, 404, 429) },
    }),
    async (c) => {
      const session = c.get('session');
      limits.address.take(addressOf(c));
      const release = liveStreams.take(session.id);
      const [since = '', sinceId = ''] = (c.req.header('last-event-id') ?? c.req.query('lastEventId') ?? '').split('|');
      const sinceTime = since && !Number.isNaN(Date.parse(since)) ? new Date(since) : null;
      return streamSSE(c, async (stream) => {
        stream.onAbort(release);
        const writeMessage = async (message: Message) => {
          if (message.direction !== 'outbound') return;
          await stream.writeSSE(visitorEvent('message', visitorView(message), `${message.created_at.toISOString()}|${message.id}`));
        };
        try {
          await relayEvents<BusEvent>(
            stream,
            // Only what this stream tells the visitor; a reply's tokens go to the request that asked for it.
            (push) => events.subscribeConversation(session.conversationId, (event) => visitorEventTypes.has(event.type) && push(event)),
            async (event) => {
              if (event.type === 'message') {
                const message = await getMessage(db, event.messageId);
                if (message) await writeMessage(message);
              } else if (event.type === 'typing') {
                if (event.who === 'agent') await stream.writeSSE(visitorEvent('typing', { who: 'agent' }));
              } else if (event.type === 'handoff') {
                const name = handoffEvents[event.status];
                if (name) await stream.writeSSE(visitorEvent(name, { status: event.status }));
              }
            },
            async () => {
              await events.ready();
              if (sinceTime) for (const message of await messagesAfter(db, session.conversationId, sinceId, sinceTime)) await writeMessage(message);
              await stream.writeSSE(visitorEvent('ready', {}));
            },
          );
        } finally {
          release();
        }
      });
    },
  );

  return app;
}
