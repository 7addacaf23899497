import { describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import type { ApiDeps } from '../../api/deps';
import { loadConfig } from '../../config';

/** The API as built for a process, without the stores behind it (no route is called). */
function builtApp() {
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  return createApp({ config: loadConfig({}), log: quiet } as unknown as ApiDeps);
}

describe('the API contract', () => {
  it('declares every route the API serves, and serves every route it declares', () => {
    const app = builtApp();
    const contract = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'contract', version: '1' } });
    const declared = Object.entries(contract.paths ?? {}).flatMap(([path, operations]) =>
      Object.keys(operations ?? {}).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    // Middleware is registered for every method (`ALL`); a route answers one.
    const served = app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${route.path}`);
    expect(served.length).toBeGreaterThan(90);
    expect([...new Set(served)].sort()).toEqual([...new Set(declared)].sort());
    expect(served).toEqual(expect.arrayContaining(['POST /api/chat', 'GET /api/chat/sessions/:id/events', 'GET /console/app.js', 'GET /widget.js', 'GET /docs', 'GET /openapi.json']));
  });
});
