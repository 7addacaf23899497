import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { conversationWorkflowId, type ConversationKey } from './conversation-client';
import type { ApiDeps } from './deps';
import { clientAddress } from './client-address';
import { HttpError } from './errors';
import { RateLimiter } from './rate-limit';
import { sessionForToken } from '../db/repositories/web';
import type { WebSession } from '../db/schema';

export type ChatSession = WebSession & { key: ConversationKey; conversationId: string };
export type ChatAccess = ReturnType<typeof chatAccess>;
/** Routes under a session's id: the session, once `ownSession` found the token opens it. */
export type SessionEnv = { Variables: { session: ChatSession } };

/**
 * What every web chat route needs: CORS for the tenant's sites, the session a token opens (and whose conversation
 * it is), and the limits on what one session, one address and one tenant may send (one set for all chat routes).
 */
export function chatAccess({ config, db }: Pick<ApiDeps, 'config' | 'db'>) {
  const idleMs = config.WEB_SESSION_IDLE_MS;
  const limits = {
    session: new RateLimiter('messages in this chat', config.WEB_RATE_PER_SESSION),
    address: new RateLimiter('requests from this address', config.WEB_RATE_PER_IP),
    tenant: new RateLimiter('chat messages for this site', config.WEB_RATE_PER_TENANT),
  };
  /** The visitor's address as limits count it (`client-address.ts`). */
  const addressOf = (c: Context) => clientAddress(c, config.TRUST_PROXY);

  function checkOrigin(c: Context, allowed: string[]): void {
    const origin = c.req.header('origin');
    if (origin && allowed.length > 0 && !allowed.includes(origin)) {
      throw new HttpError(403, 'origin_not_allowed', `this widget key does not work on ${origin}`);
    }
  }

  /** The session the bearer token opens (also `?token=`, for EventSource), on a site its tenant allows. */
  async function sessionOf(c: Context): Promise<ChatSession> {
    const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? c.req.query('token');
    if (!bearer) throw new HttpError(401, 'unauthorized', 'a chat session token is required');
    const found = await sessionForToken(db, bearer, idleMs);
    if (!found) throw new HttpError(401, 'session_expired', 'unknown or expired chat session; open a new one');
    const { allowed_origins: allowed, linked_phone: phone, ...session } = found;
    checkOrigin(c, allowed);
    // A visitor who proved a phone number chats in that person's conversation (texts and calls included).
    const key = { tenantId: session.tenant_id, contactKey: phone ?? `web:${session.visitor_id}` };
    return { ...session, key, conversationId: conversationWorkflowId(key) };
  }

  /** The session the token opens, for the route (`c.get('session')`); `own`: the path's `:id` must be that very session (404 otherwise). */
  const session = (own: boolean) =>
    createMiddleware<SessionEnv>(async (c, next) => {
      const found = await sessionOf(c);
      if (own && c.req.param('id') !== found.id) throw new HttpError(404, 'not_found', 'no such chat in this session');
      c.set('session', found);
      await next();
    });
  /** Runs before the body is read, so a request from no one parses nothing. */
  const withSession = session(false);
  /** For routes under `/sessions/:id` (or `/:id`): the token must open that very session. */
  const ownSession = session(true);

  /** CORS: the widget runs on the tenant's sites. Which origins may is checked once the tenant is known. */
  const cors: MiddlewareHandler = async (c, next) => {
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
  };

  return { idleMs, limits, addressOf, checkOrigin, withSession, ownSession, cors };
}
