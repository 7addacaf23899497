import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ToolList } from '../../api/protocol/agent-api';
import { createAgent } from '../../db/repositories/agents';
import { sendJson } from '../../devkit/http-server';
import { startFakeCompanyApi, type FakeCompanyApi } from '../fakes/company-api';
import { toolAnswers, type ChatRequest } from '../fakes/openai';
import { smsParams, uniquePhone, useStack, type Stack } from '../support/stack';

/** A company's own API declared as a tool, with no code change, and called by the model as any other tool. */
let stack: Stack;
let company: FakeCompanyApi;
useStack((started) => (stack = started), { BATCH_QUIET_MS: '200', TOOLS_ALLOW_PRIVATE_URLS: 'true' });
beforeAll(async () => {
  company = await startFakeCompanyApi();
});
afterAll(async () => {
  await company?.close();
});
beforeEach(() => company?.reset());

const warranty = {
  name: 'register_warranty',
  description: 'Register the warranty of a product the customer bought',
  method: 'POST',
  parameters: {
    type: 'object',
    properties: { serial: { type: 'string', minLength: 4 }, purchase_price: { type: 'number', minimum: 0 } },
    required: ['serial'],
    additionalProperties: false,
  },
  effect: 'write',
};

async function declare(tool: Record<string, unknown>, token?: string): Promise<Response> {
  return stack.api('/api/tools', { method: 'POST', token, body: JSON.stringify({ url: `${company.url}/warranty`, secret: company.secret, ...tool }) });
}

async function converse(body: string, ...calls: { name: string; arguments: Record<string, unknown> }[]): Promise<ChatRequest[]> {
  const from = uniquePhone();
  stack.openai.script({ toolCalls: calls }, { content: 'Done.' });
  await stack.postSms(smsParams({ from, body }));
  await stack.twilio.waitForSent(1, 60_000);
  await stack.settled(from);
  return stack.openai.requests;
}

describe('a company API as a tool', () => {
  it('is declared by an admin, listed, offered to the model, and removed', async () => {
    const created = await declare(warranty);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name: 'register_warranty', kind: 'write', pack: 'custom', enabled: true, parameters: warranty.parameters });
    const list = (await (await stack.api('/api/tools')).json()) as ToolList;
    expect(list.tools.find((t) => t.name === 'register_warranty')).toBeDefined();
    expect(JSON.stringify(list)).not.toContain(company.secret);

    const { token } = await createAgent(stack.db, { tenantId: 'default', name: 'Not an admin' });
    expect((await declare({ ...warranty, name: 'other' }, token)).status).toBe(403);
    expect((await declare(warranty)).status).toBe(409);
    expect((await declare({ ...warranty, name: 'search_knowledge' })).status).toBe(409);
    expect((await declare({ ...warranty, name: 'Bad Name' })).status).toBe(400);
    expect((await declare({ ...warranty, name: 'short_secret', secret: 'abc' })).status).toBe(400);
    // Schema-valid, and not a tool that can work: 422.
    expect((await declare({ ...warranty, name: 'no_schema', parameters: { type: 'string' } })).status).toBe(422);
    expect((await declare({ ...warranty, name: 'ftp', url: 'ftp://example.com/x' })).status).toBe(400);
    expect((await declare({ ...warranty, name: 'read_approval', effect: 'read', approval: true })).status).toBe(422);

    await converse('Register my kettle', { name: 'register_warranty', arguments: { serial: 'KT-1234' } });
    expect(stack.openai.requests[0]?.tools?.map((t) => t.function.name)).toContain('register_warranty');

    expect((await stack.api('/api/tools/register_warranty', { method: 'DELETE' })).status).toBe(204);
    expect((await stack.api('/api/tools/register_warranty', { method: 'DELETE' })).status).toBe(404);
    expect((await stack.api('/api/tools/search_knowledge', { method: 'DELETE' })).status).toBe(409);
  });

  it('POSTs the arguments signed, with one Idempotency-Key across its retries: one effect', async () => {
    await declare(warranty);
    company.script((_request, res) => sendJson(res, 500, { error: 'database down' }), (_request, res) => sendJson(res, 503, { error: 'busy' }));
    const requests = await converse('Register my kettle KT-1234, I paid 49.90', { name: 'register_warranty', arguments: { serial: 'KT-1234', purchase_price: 49.9 } });

    expect(company.requests).toHaveLength(3);
    const keys = new Set(company.requests.map((r) => r.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^conversation:default:/);
    expect(company.requests.every((r) => r.signed && r.method === 'POST' && r.body === JSON.stringify({ serial: 'KT-1234', purchase_price: 49.9 }))).toBe(true);
    expect(company.effects.size).toBe(1);
    expect(toolAnswers(requests[1])).toEqual([{ status: 200, body: { id: 'eff_1', acted_on: { serial: 'KT-1234', purchase_price: 49.9 } } }]);
    const runs = await stack.db.selectFrom('tool_runs').select(['tool', 'status']).execute();
    expect(runs).toEqual([{ tool: 'register_warranty', status: 'done' }]);
  });

  it('sends a GET its arguments as the signed query string', async () => {
    await declare({ ...warranty, name: 'stock_level', method: 'GET', effect: 'read', parameters: { type: 'object', properties: { sku: { type: 'string' }, store: { type: 'string' } }, required: ['sku'] } });
    const requests = await converse('Do you have the red kettle in Kitsilano?', { name: 'stock_level', arguments: { sku: 'KT RED/1', store: 'kits' } });
    expect(company.requests).toHaveLength(1);
    expect(company.requests[0]).toMatchObject({ method: 'GET', query: 'sku=KT+RED%2F1&store=kits', body: '', signed: true });
    expect(toolAnswers(requests[1])[0]).toMatchObject({ status: 200, body: { acted_on: { sku: 'KT RED/1', store: 'kits' } } });
  });

  it('tells the model in words about arguments that do not fit, a 4xx (not retried), HTML and an answer of 10 MB', async () => {
    await declare(warranty);
    company.script(
      (_request, res) => sendJson(res, 422, { error: 'unknown serial' }),
      (_request, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body>Thanks!</body></html>');
      },
      (_request, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"items":"${'x'.repeat(10 * 1024 * 1024)}"}`);
      },
    );
    const requests = await converse(
      'Register these',
      { name: 'register_warranty', arguments: { serial: 'KT-1', purchase_price: '49.90' } },
      { name: 'register_warranty', arguments: { serial: 'KT-0001' } },
      { name: 'register_warranty', arguments: { serial: 'KT-0002' } },
      { name: 'register_warranty', arguments: { serial: 'KT-0003' } },
    );
    const [wrongType, refused, html, huge] = toolAnswers(requests[1]);
    expect(String(wrongType?.error)).toContain('purchase_price');
    expect(refused).toEqual({ error: "the company's API refused the call (HTTP 422)", detail: '{"error":"unknown serial"}' });
    expect(html).toEqual({ status: 200, note: 'the API answered text/html, not JSON; the call went through' });
    expect(huge?.note).toContain('longer than 4096 bytes');
    expect(String(huge?.body_start)).toHaveLength(4096);
    // The call with arguments that did not fit never reached the API; the 422 was not retried.
    expect(company.requests.map((r) => JSON.parse(r.body) as unknown)).toEqual([{ serial: 'KT-0001' }, { serial: 'KT-0002' }, { serial: 'KT-0003' }]);
  });
});
