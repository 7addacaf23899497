import type { MiddlewareHandler } from 'hono';
import { HttpError } from './errors';

export { withoutNul } from '../domain/nul';

/** An address or id carrying U+0000 (`%00`) names nothing: 400 before any route reads it. */
export const refuseNulInUrl: MiddlewareHandler = async (c, next) => {
  const url = c.req.url;
  if (url.includes('\u0000') || /%00/i.test(url)) throw new HttpError(400, 'invalid_request', 'the address contains a NUL character');
  await next();
};
