import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';
import { createLogger } from '../../config/logger';
import { openSecret, secretNames } from '../../db/repositories/tenant-secrets';
import { startFakeCompanyApi, type FakeCompanyApi } from '../fakes/company-api';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai';
import { smsParams, uniquePhone, useStack, type Stack } from '../support/stack';
import { sealTenantSecrets } from '../../worker/seal-secrets';

/** A declared API's signing secret and a tenant's own fallback model key, sealed under SECRETS_KEY like Twilio's. */
let stack: Stack;
let company: FakeCompanyApi;
let own: FakeOpenAI;
useStack((started) => (stack = started), { BATCH_QUIET_MS: '200', TOOLS_ALLOW_PRIVATE_URLS: 'true', SECRETS_KEY: `k1:${randomBytes(32).toString('base64')}` });
beforeAll(async () => {
  company = await startFakeCompanyApi(`company-${randomBytes(12).toString('hex')}`);
  own = await startFakeOpenAI();
});
afterAll(async () => {
  await company?.close();
  await own?.close();
});
beforeEach(() => {
  company?.reset();
  own?.reset();
});

const stockLevel = {
  name: 'stock_level',
  description: 'How many of a product a store has',
  url: '',
  method: 'GET',
  parameters: { type: 'object', properties: { sku: { type: 'string' } }, required: ['sku'] },
  effect: 'read',
};

/** An SMS the model answers by calling `stock_level` once; the company's API saw what it was sent. */
async function askStock(): Promise<string> {
  const from = uniquePhone();
  stack.openai.script({ toolCalls: [{ name: 'stock_level', arguments: { sku: 'KT-1' } }] }, { content: 'Two in stock.' });
  await stack.postSms(smsParams({ from, body: 'Any red kettles?' }));
  await stack.twilio.waitForSent(1, 60_000);
  await stack.settled(from);
  return from;
}

/** Every payload of the conversation's workflow history, decoded: what an operator could read in the Temporal UI. */
async function historyText(contactKey: string): Promise<string> {
  const history = await stack.temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey })).fetchHistory();
  return JSON.stringify(history, (key, value: unknown) => (key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString() : value));
}

describe("tenants' secrets under SECRETS_KEY", () => {
  it("seals a declared API's signing secret: its calls are signed with it, and it is in no row, answer or history", async () => {
    const declared = await stack.api('/api/tools', { method: 'POST', body: JSON.stringify({ ...stockLevel, url: `${company.url}/stock`, secret: company.secret }) });
    expect(declared.status).toBe(201);
    const row = await stack.db.selectFrom('http_tools').selectAll().where('name', '=', 'stock_level').executeTakeFirstOrThrow();
    expect(row.secret).toBeNull();
    const sealed = await stack.db.selectFrom('tenant_secrets').selectAll().where('name', '=', secretNames.toolSecret('stock_level')).executeTakeFirstOrThrow();
    expect(sealed.key_id).toBe('k1');

    const from = await askStock();
    expect(company.requests).toHaveLength(1);
    expect(company.requests[0]).toMatchObject({ method: 'GET', query: 'sku=KT-1', signed: true });
    expect(stack.twilio.sent[0]?.body).toBe('Two in stock.');
    const readable = [JSON.stringify(row), JSON.stringify(sealed), await (await stack.api('/api/tools')).text(), await historyText(from)];
    for (const text of readable) expect(text).not.toContain(company.secret);

    // A secret no key opens (sealed under a key since dropped): the call is not made, and the model is told so.
    await stack.db.updateTable('tenant_secrets').set({ key_id: 'k0' }).where('name', '=', secretNames.toolSecret('stock_level')).execute();
    company.reset();
    stack.openai.reset();
    stack.twilio.reset();
    await askStock();
    expect(company.requests).toEqual([]);
    expect(JSON.stringify(stack.openai.requests[1]?.messages)).toContain('stock_level cannot be called now (its signing secret cannot be read); it did not run');

    // Removed, its secret goes with it.
    expect((await stack.api('/api/tools/stock_level', { method: 'DELETE' })).status).toBe(204);
    expect(await stack.db.selectFrom('tenant_secrets').select('name').execute()).toEqual([]);
  });

  it("seals a tenant's own fallback model key: the fallback answers with it when the model is down", async () => {
    stack.openai.respond = () => ({ error: { status: 503, message: 'primary is down' } });
    own.respond = () => ({ content: 'from the tenant fallback' });
    const set = await stack.api('/api/models/fallback', { method: 'PUT', body: JSON.stringify({ baseUrl: own.baseURL, apiKey: own.apiKey, model: 'tenant-model' }) });
    expect(set.status).toBe(200);
    const tenant = await stack.db.selectFrom('tenants').select('llm_fallback').where('id', '=', 'default').executeTakeFirstOrThrow();
    expect(tenant.llm_fallback).toEqual({ baseUrl: own.baseURL, model: 'tenant-model' });
    expect(JSON.stringify(await stack.db.selectFrom('tenant_secrets').selectAll().execute())).not.toContain(own.apiKey);

    const from = uniquePhone();
    await stack.postSms(smsParams({ from, body: 'Who answers?' }));
    await stack.twilio.waitForSent(1, 60_000);
    await stack.settled(from);
    // The fake checks the bearer key: it answered, so the key was opened right.
    expect(stack.twilio.sent[0]?.body).toBe('from the tenant fallback');
    expect(own.requests).toHaveLength(1);
    expect(await historyText(from)).not.toContain(own.apiKey);

    expect((await stack.api('/api/models/fallback', { method: 'DELETE' })).status).toBe(204);
    expect(await stack.db.selectFrom('tenant_secrets').select('name').execute()).toEqual([]);
  });

  it('seals at start what a service without SECRETS_KEY kept in the clear, and the tool and fallback go on working', async () => {
    // As a service with no key stored them.
    await stack.db
      .insertInto('http_tools')
      .values({ tenant_id: 'default', ...stockLevel, url: `${company.url}/stock`, method: 'GET', effect: 'read', parameters: JSON.stringify(stockLevel.parameters), secret: company.secret })
      .execute();
    await stack.db.updateTable('tenants').set({ llm_fallback: JSON.stringify({ baseUrl: own.baseURL, apiKey: own.apiKey, model: 'tenant-model' }) }).where('id', '=', 'default').execute();
    const box = stack.config.SECRETS_KEY;
    if (!box) throw new Error('the stack has SECRETS_KEY');
    const quiet = createLogger('error');

    await sealTenantSecrets(stack.db, box, quiet);
    const row = await stack.db.selectFrom('http_tools').select('secret').where('name', '=', 'stock_level').executeTakeFirstOrThrow();
    expect(row.secret).toBeNull();
    const tenant = await stack.db.selectFrom('tenants').select('llm_fallback').where('id', '=', 'default').executeTakeFirstOrThrow();
    expect(tenant.llm_fallback).toEqual({ baseUrl: own.baseURL, model: 'tenant-model' });
    expect(await openSecret(stack.db, box, 'default', secretNames.toolSecret('stock_level'))).toBe(company.secret);
    expect(await openSecret(stack.db, box, 'default', secretNames.fallbackApiKey)).toBe(own.apiKey);
    const stored = JSON.stringify(await stack.db.selectFrom('tenant_secrets').selectAll().execute());
    for (const secret of [company.secret, own.apiKey]) expect(stored).not.toContain(secret);

    await askStock();
    expect(company.requests[0]).toMatchObject({ signed: true });
    // A second start finds nothing left to seal.
    await sealTenantSecrets(stack.db, box, quiet);
    expect(await stack.db.selectFrom('tenant_secrets').select('name').orderBy('name').execute()).toEqual([{ name: secretNames.fallbackApiKey }, { name: secretNames.toolSecret('stock_level') }]);
  });
});
