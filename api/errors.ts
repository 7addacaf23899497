import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../config/logger';
import { SecretUnreadable } from '../config/secrets';
import type { ErrorBody } from './protocol/error-body';

/** The one error type routes throw; `app.onError` turns it into `{ error: { code, message } }`. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    /** Headers the answer carries (`retry-after` on a 429). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 429 until `retryAt` (epoch ms): `Retry-After` in whole seconds (at least one), which `message` is told too. */
export function tooManyRequests(code: string, retryAt: number, message: (retryAfterSeconds: number) => string): HttpError {
  const retryAfter = Math.max(1, Math.ceil((retryAt - Date.now()) / 1000));
  return new HttpError(429, code, message(retryAfter), { 'retry-after': String(retryAfter) });
}

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

export function handleError(log: Logger) {
  return (error: Error, c: Context) => {
    if (error instanceof HttpError) return c.json(errorBody(error.code, error.message), error.status, error.headers);
    if (error instanceof HTTPException) {
      const status = error.status as ContentfulStatusCode;
      const code = status === 413 ? 'payload_too_large' : status < 500 ? 'bad_request' : 'internal';
      return c.json(errorBody(code, error.message || 'request rejected'), status);
    }
    if (error instanceof SecretUnreadable) {
      log.error('tenant credentials unreadable', { path: c.req.path, error: error.message });
      // Which tenant or key is the operator's to read in the log, not the caller's.
      return c.json(errorBody('credentials_unreadable', "a tenant's stored credentials cannot be read now; retry later"), 503);
    }
    log.error('unhandled error', { path: c.req.path, error: error.stack ?? String(error) });
    return c.json(errorBody('internal', 'internal error'), 500);
  };
}
