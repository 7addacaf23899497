import { createHash, timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import { HttpError } from './errors';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The operator's routes (`/api/admin/*`) take `Authorization: Bearer <ADMIN_TOKEN>` and nothing else: an agent's
 * token, even a tenant admin's, is refused. Compared in constant time; unset, the API is off and says so.
 */
export function requireOperator(adminToken: string | undefined) {
  const expected = adminToken ? digest(adminToken) : null;
  return createMiddleware(async (c, next) => {
    if (!expected) throw new HttpError(403, 'admin_api_off', 'the admin API is off: start the service with ADMIN_TOKEN set');
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (!match?.[1]) throw new HttpError(401, 'unauthorized', 'the operator token (ADMIN_TOKEN) is required');
    if (!timingSafeEqual(digest(match[1]), expected)) throw new HttpError(403, 'forbidden', 'only the operator token (ADMIN_TOKEN) may manage tenants');
    await next();
  });
}
