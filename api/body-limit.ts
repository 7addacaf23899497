import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HttpError } from './errors';

/** What any request body may weigh: a webhook, a form, an agent's reply. */
const defaultMaxBytes = 64 * 1024;
/**
 * The routes that take more: the chat endpoint, to which `useChat` posts the whole history by default, and
 * knowledge documents (an uploaded PDF; a run of many).
 */
const larger: Record<string, number> = {
  'POST /api/chat': 1024 * 1024,
  'POST /api/knowledge/documents': 25 * 1024 * 1024,
  'POST /api/knowledge/ingests': 25 * 1024 * 1024,
  // An audience of up to 10,000 people with their placeholders.
  'POST /api/campaigns': 4 * 1024 * 1024,
};

/**
 * Every route's body limit, in one place and before any route: a declared length over it is refused with 413
 * before a byte is read, and a body sent without one is cut off at the limit while it streams in.
 */
export function bodyLimits(): MiddlewareHandler {
  const limiters = new Map<number, MiddlewareHandler>();
  const limiter = (maxSize: number) => {
    let found = limiters.get(maxSize);
    if (!found) {
      found = bodyLimit({
        maxSize,
        onError: () => {
          throw new HttpError(413, 'payload_too_large', `request bodies here are limited to ${maxSize} bytes`);
        },
      });
      limiters.set(maxSize, found);
    }
    return found;
  };
  return (c, next) => limiter(larger[`${c.req.method} ${c.req.path}`] ?? defaultMaxBytes)(c, next);
}
