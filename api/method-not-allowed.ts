import type { MiddlewareHandler } from 'hono';
import type { RouterRoute } from 'hono/types';
import { errorBody } from './errors';

/** A route's path as a pattern: `:id` one segment. */
function pattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/**
 * 405 with `Allow` for a path the API declares for other methods (HEAD goes with GET), before any token is read: a
 * wrong method is the caller's to fix whoever they are. OPTIONS (a browser's preflight) passes. `routes` is read on
 * the first request, once every route is added.
 */
export function methodNotAllowed(routes: () => RouterRoute[]): MiddlewareHandler {
  let declared: { method: string; path: RegExp }[] | null = null;
  return async (c, next) => {
    declared ??= routes()
      .filter((route) => route.method !== 'ALL' && !route.path.includes('*'))
      .map((route) => ({ method: route.method, path: pattern(route.path) }));
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method;
    if (method === 'OPTIONS') return next();
    const methods = new Set(declared.filter((route) => route.path.test(c.req.path)).map((route) => route.method));
    if (methods.size === 0 || methods.has(method)) return next();
    if (methods.has('GET')) methods.add('HEAD');
    const allow = [...methods].sort().join(', ');
    return c.json(errorBody('method_not_allowed', `${c.req.path} answers ${allow}, not ${c.req.method}`), 405, { allow });
  };
}
