import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';
import type { TenantView } from '../../api/protocol/admin-api';
import { SecretBox } from '../../config/secrets';
import { setTwilioAccount, twilioAccountOf } from '../../db/repositories/tenant-credentials';
import { resealSecrets } from '../../db/repositories/tenant-secrets';
import { signedForm } from '../../devkit/twilio-signing';
import { smsParams, uniquePhone, useStack, type Stack } from '../support/stack';

/** Every line written to stderr while this file runs (the service's logs), kept here rather than printed. */
const logged: string[] = [];
const writeStderr = process.stderr.write.bind(process.stderr);
beforeAll(() => {
  process.stderr.write = ((chunk: string | Uint8Array) => {
    logged.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
});
afterAll(() => {
  process.stderr.write = writeStderr;
});

const operatorToken = `op_${'8'.repeat(32)}`;
let stack: Stack;
useStack((started) => (stack = started), {
  BATCH_QUIET_MS: '200',
  ADMIN_TOKEN: operatorToken,
  SECRETS_KEY: `k1:${randomBytes(32).toString('base64')}`,
  // Everything the service logs in this file is read for secrets.
  LOG_LEVEL: 'debug',
});

interface Company {
  tenant: TenantView;
  adminToken: string;
  accountSid: string;
  authToken: string;
  number: string;
}

const sidOf = () => `AC${randomBytes(16).toString('hex')}`;

/** A company with its own Twilio account (opened at the fake Twilio) and number. */
async function company(name: string, number: string, options: { tokenAtTwilio?: string } = {}): Promise<Company> {
  const accountSid = sidOf();
  const authToken = randomBytes(16).toString('hex');
  stack.twilio.addAccount(accountSid, options.tokenAtTwilio ?? authToken);
  const response = await stack.api('/api/admin/tenants', { method: 'POST', token: operatorToken, body: JSON.stringify({ name, numbers: [number], twilio: { accountSid, authToken } }) });
  expect(response.status).toBe(201);
  const { tenant, adminToken } = (await response.json()) as { tenant: TenantView; adminToken: string };
  return { tenant, adminToken, accountSid, authToken, number };
}

/** Posts a messaging webhook as Twilio would for `to`, signed with `authToken`. */
async function inbound(to: string, from: string, body: string, authToken: string): Promise<Response> {
  const path = '/webhooks/twilio/messaging';
  const signed = signedForm(`${stack.config.PUBLIC_BASE_URL}${path}`, authToken, smsParams({ from, to, body }));
  return fetch(`${stack.apiUrl}${path}`, { method: 'POST', ...signed });
}

/** Every payload of the conversation's workflow history, decoded: what an operator could read in the Temporal UI. */
async function historyText(workflowId: string): Promise<string> {
  const history = await stack.temporal.workflow.getHandle(workflowId).fetchHistory();
  return JSON.stringify(history, (key, value: unknown) => (key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString() : value));
}

describe("tenants' own Twilio accounts", () => {
  it("verifies each tenant's webhooks with its own token, answers from its own account, and never shows a token", async () => {
    const harbour = await company('Harbour Kayaks', '+16045550811');
    const bakery = await company('Corner Bakery', '+16045550812');
    expect(harbour.tenant.twilio).toEqual({ accountSid: harbour.accountSid, own: true });

    // Signed with the other company's token, or the deployment's: refused before anything is recorded.
    const stranger = uniquePhone();
    for (const token of [bakery.authToken, stack.twilio.authToken]) {
      const refused = await inbound(harbour.number, stranger, 'hello', token);
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('signature_invalid');
    }
    expect(await stack.db.selectFrom('messages').select('id').where('tenant_id', '=', harbour.tenant.id).execute()).toEqual([]);

    // Each signed with its own: each answered from its own account and number.
    const [ana, ben] = [uniquePhone(), uniquePhone()];
    stack.openai.script({ content: 'Kayaks answer.' }, { content: 'Bakery answer.' });
    expect((await inbound(harbour.number, ana, 'do you rent kayaks?', harbour.authToken)).status).toBe(200);
    await stack.twilio.waitForSent(1);
    expect((await inbound(bakery.number, ben, 'is there bread?', bakery.authToken)).status).toBe(200);
    const sent = await stack.twilio.waitForSent(2);
    expect(sent.map((m) => ({ account: m.accountSid, from: m.from, to: m.to, body: m.body }))).toEqual([
      { account: harbour.accountSid, from: harbour.number, to: ana, body: 'Kayaks answer.' },
      { account: bakery.accountSid, from: bakery.number, to: ben, body: 'Bakery answer.' },
    ]);

    // Status callbacks are signed by the account that sent: the other's signature is refused.
    const statusPath = '/webhooks/twilio/status';
    const status = { MessageSid: sent[0]!.sid, MessageStatus: 'delivered', AccountSid: harbour.accountSid, From: harbour.number, To: ana };
    const postStatus = (token: string) => fetch(`${stack.apiUrl}${statusPath}`, { method: 'POST', ...signedForm(`${stack.config.PUBLIC_BASE_URL}${statusPath}`, token, status) });
    expect((await postStatus(bakery.authToken)).status).toBe(403);
    // Naming its own number does not let one company's token speak for another's message.
    const forgedStatus = { ...status, AccountSid: bakery.accountSid, From: bakery.number };
    const forgedPost = await fetch(`${stack.apiUrl}${statusPath}`, { method: 'POST', ...signedForm(`${stack.config.PUBLIC_BASE_URL}${statusPath}`, bakery.authToken, forgedStatus) });
    expect(forgedPost.status).toBe(403);
    expect((await postStatus(harbour.authToken)).status).toBe(204);

    // A call to the company's number: its voice webhook and relay socket take its token alone.
    const caller = stack.caller(uniquePhone(), { to: harbour.number, authToken: bakery.authToken });
    expect(await caller.ring()).toBe(403);
    const call = stack.caller(uniquePhone(), { to: harbour.number, authToken: harbour.authToken });
    expect(await call.ring()).toBe(200);
    const relayUrl = `${stack.config.PUBLIC_BASE_URL.replace(/^http/, 'ws')}/webhooks/twilio/relay?callSid=${call.callSid}`;
    const forged = stack.caller(call.options.from, { to: harbour.number, authToken: harbour.authToken, callSid: call.callSid, signature: twilio.getExpectedTwilioSignature(bakery.authToken, relayUrl, {}) });
    forged.twiml = call.twiml;
    await expect(forged.connect()).rejects.toThrow('upgrade refused: 403');
    await call.connect();
    await call.hangUp();

    // The tokens are nowhere to be read: not in any answer, the database's rows, a history or a log line.
    const answers = [
      await (await stack.api('/api/admin/tenants', { token: operatorToken })).text(),
      await (await stack.api(`/api/admin/tenants/${harbour.tenant.id}`, { token: operatorToken })).text(),
      await (await stack.api('/api/settings', { token: harbour.adminToken })).text(),
    ];
    const stored = JSON.stringify(await stack.db.selectFrom('tenant_secrets').selectAll().execute());
    const histories = [await historyText(conversationWorkflowId({ tenantId: harbour.tenant.id, contactKey: ana })), await historyText(conversationWorkflowId({ tenantId: bakery.tenant.id, contactKey: ben }))];
    for (const token of [harbour.authToken, bakery.authToken]) {
      for (const text of [...answers, stored, ...histories, logged.join('')]) expect(text).not.toContain(token);
    }
    expect(stored).toContain('"key_id":"k1"');
    // The logs were read: they hold the worker's start.
    expect(logged.join('')).toContain('Worker state changed');
    expect(histories[0]).toContain('Kayaks answer.');
  });

  it("records a tenant's refused credentials on its messages for its agents, and other tenants carry on", async () => {
    // Its token changed at Twilio: what the service holds no longer authenticates.
    const stale = await company('Stale Co', '+16045550813', { tokenAtTwilio: randomBytes(16).toString('hex') });
    const fine = await company('Fine Co', '+16045550814');
    const [ana, ben] = [uniquePhone(), uniquePhone()];
    stack.openai.script({ content: 'Stale answer.' }, { content: 'Fine answer.' });
    expect((await inbound(stale.number, ana, 'hello', stale.authToken)).status).toBe(200);
    const conversationId = conversationWorkflowId({ tenantId: stale.tenant.id, contactKey: ana });
    await expect
      .poll(async () => {
        const { messages } = (await (await stack.api(`/api/conversations/${conversationId}/messages`, { token: stale.adminToken })).json()) as { messages: { direction: string; status: string; errorCode: string | null; errorMessage: string | null }[] };
        return messages.find((m) => m.direction === 'outbound');
      }, { timeout: 20_000 })
      .toMatchObject({ status: 'failed', errorCode: '20003', errorMessage: expect.stringContaining("Twilio refused the account's credentials") });
    expect(stack.twilio.sent).toEqual([]);

    expect((await inbound(fine.number, ben, 'hello', fine.authToken)).status).toBe(200);
    const [reply] = await stack.twilio.waitForSent(1);
    expect(reply).toMatchObject({ accountSid: fine.accountSid, to: ben, body: 'Fine answer.' });

    // Given back to the deployment's account (null), the tenant sends from that one.
    const back = await stack.api(`/api/admin/tenants/${stale.tenant.id}`, { method: 'PATCH', token: operatorToken, body: JSON.stringify({ twilio: null }) });
    expect(((await back.json()) as { tenant: TenantView }).tenant.twilio).toEqual({ accountSid: null, own: false });
    expect(await stack.db.selectFrom('tenant_secrets').select('name').where('tenant_id', '=', stale.tenant.id).execute()).toEqual([]);

    // The refusal is logged for the operator, without the token that was refused.
    const logs = logged.join('');
    expect(logs).toContain('Authentication Error');
    for (const token of [stale.authToken, fine.authToken]) expect(logs).not.toContain(token);
  });

  it('seals every secret again with a new first key, after which the old key can go', async () => {
    const [oldKey, newKey] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
    const { tenant } = await company('Rotating Co', '+16045550815');
    const credentials = { accountSid: sidOf(), authToken: randomBytes(16).toString('hex') };
    await stack.db.transaction().execute((trx) => setTwilioAccount(trx, SecretBox.parse(`old:${oldKey}`), tenant.id, credentials));

    // Another tenant's, sealed with a key the new list leaves out, is named rather than lost.
    const other = await company('Other Co', '+16045550816');

    const rotated = SecretBox.parse(`new:${newKey},old:${oldKey}`);
    expect(await resealSecrets(stack.db, rotated)).toEqual({ resealed: 1, unreadable: [other.tenant.id] });
    expect(await resealSecrets(stack.db, rotated)).toEqual({ resealed: 0, unreadable: [other.tenant.id] });
    expect(await twilioAccountOf(stack.db, SecretBox.parse(`new:${newKey}`), tenant.id)).toEqual(credentials);
  });
});
