import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { schemathesisPath } from '../../devkit/python-tools';
import { useStack, type Stack } from '../support/stack';

const operatorToken = `op_${'5'.repeat(32)}`;
let stack: Stack;
// The chat's limits per address and session raised, so what schemathesis sends reaches the routes, not the limits.
useStack((started) => (stack = started), { ADMIN_TOKEN: operatorToken, SECRETS_KEY: `k1:${Buffer.alloc(32, 7).toString('base64')}`, WEB_RATE_PER_IP: '100000', WEB_RATE_PER_SESSION: '100000' });

/** A web visitor's session of the default tenant, for the chat's routes (`schemathesis.toml` puts its id in their paths). */
interface ChatSession {
  sessionId: string;
  token: string;
  widgetKey: string;
}

/** Opened again for each run: the tests start from an empty database. */
async function chatSession(): Promise<ChatSession> {
  const { widget_key: widgetKey } = await stack.db.selectFrom('tenants').select('widget_key').where('id', '=', 'default').executeTakeFirstOrThrow();
  const opened = await fetch(`${stack.apiUrl}/api/chat/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ widgetKey }) });
  expect(opened.status).toBe(201);
  return { ...((await opened.json()) as { sessionId: string; token: string }), widgetKey };
}

/** schemathesis against the running API, every check on; its exit code, output and how many cases it sent. */
async function schemathesis(token: string, filter: string[], { sessionId, widgetKey }: ChatSession): Promise<{ code: number; output: string; cases: number }> {
  const reports = mkdtempSync(join(tmpdir(), 'contract-'));
  const args = [
    '--config-file', fileURLToPath(new URL('../support/schemathesis.toml', import.meta.url)),
    'run', `${stack.apiUrl}/openapi.json`, '--url', stack.apiUrl, '--checks', 'all', '-H', `Authorization: Bearer ${token}`,
    '--max-examples', '15', '--seed', '1', '--workers', '1', '--no-color', '--report', 'json', '--report-json-path', join(reports, 'run.json'), ...filter,
  ];
  try {
    // Run where its own files (a hypothesis database) are thrown away with the reports.
    const child = spawn(schemathesisPath(), args, { cwd: reports, env: { ...process.env, NO_COLOR: '1', CHAT_SESSION_ID: sessionId, CHAT_WIDGET_KEY: widgetKey } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number>((resolve) => child.on('close', (exit) => resolve(exit ?? 1)));
    const casesLine = /(\d+) generated/.exec(output);
    let cases = casesLine ? Number(casesLine[1]) : 0;
    try {
      const report = JSON.parse(readFileSync(join(reports, 'run.json'), 'utf8')) as Record<string, unknown>;
      cases = Number((report as { summary?: { cases?: number } }).summary?.cases ?? cases);
    } catch {
      // The count from the summary line stands.
    }
    return { code, output, cases };
  } finally {
    rmSync(reports, { recursive: true, force: true });
  }
}

describe('the API contract', () => {
  it('publishes /openapi.json and /docs, and answers 405 for a method a path does not take', async () => {
    const contract = (await (await fetch(`${stack.apiUrl}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(contract.openapi).toBe('3.1.0');
    expect(Object.keys(contract.paths)).toEqual(expect.arrayContaining(['/api/admin/tenants', '/api/admin/tenants/{id}']));
    const page = await fetch(`${stack.apiUrl}/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/api/admin/tenants/{id}');
    const wrong = await fetch(`${stack.apiUrl}/api/admin/tenants`, { method: 'PUT' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(await wrong.json()).toEqual({ error: { code: 'method_not_allowed', message: '/api/admin/tenants answers GET, HEAD, POST, not PUT' } });
    const malformed = await stack.api('/api/admin/tenants', { method: 'POST', token: operatorToken, body: '{"name":' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: { code: 'bad_request', message: expect.stringContaining('Malformed JSON') } });
  });

  it("holds under schemathesis with the operator token, a tenant admin's and a web visitor's session", async () => {
    const session = await chatSession();
    // Every route an agent's token opens, but the live event streams (they never end, by design), in two halves; the
    // runs go side by side (each is one process generating cases, the service answers them all).
    const agentRoutes = ['--exclude-tag', 'Operator', '--exclude-tag', 'Web chat', '--exclude-path-regex', '(/api/events|/stream)$'];
    const settingsAndActions = ['Actions', 'Campaigns', 'Settings'].flatMap((tag) => ['--include-tag', tag]);
    const runs = {
      operator: schemathesis(operatorToken, ['--include-tag', 'Operator'], session),
      'tenant admin (settings and actions)': schemathesis(stack.agentToken, [...agentRoutes, ...settingsAndActions], session),
      'tenant admin (the rest)': schemathesis(stack.agentToken, [...agentRoutes, ...settingsAndActions.map((flag) => flag.replace('include', 'exclude'))], session),
      // The chat's routes, on the session's own id; not the visitor's live stream (it never ends).
      'web visitor': schemathesis(session.token, ['--include-tag', 'Web chat', '--exclude-path-regex', '/events$'], session),
    };
    for (const [who, pending] of Object.entries(runs)) {
      const run = await pending;
      expect(run.code, `${who}: ${run.output}`).toBe(0);
      expect(run.cases, who).toBeGreaterThan(0);
      console.log(`schemathesis (${who}): ${run.cases} cases`);
    }
  }, 300_000);
});
