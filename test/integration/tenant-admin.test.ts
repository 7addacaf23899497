import { describe, expect, it } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';
import type { ProjectView, TenantSettingsView, TenantView } from '../../api/protocol/admin-api';
import { enterProject } from '../../db/repositories/campaigns';
import { createAgent } from '../../db/repositories/agents';
import { smsParams, uniquePhone, useStack, type Stack } from '../support/stack';

const operatorToken = `op_${'7'.repeat(32)}`;
let stack: Stack;
useStack((started) => (stack = started), { BATCH_QUIET_MS: '200', ADMIN_TOKEN: operatorToken });

const admin = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) =>
  stack.api(`/api/admin/tenants${path}`, { method: init.method ?? 'GET', token: init.token ?? operatorToken, ...(init.body ? { body: JSON.stringify(init.body) } : {}) });

async function created(body: unknown): Promise<{ tenant: TenantView; adminToken: string }> {
  const response = await admin('', { method: 'POST', body });
  expect(response.status).toBe(201);
  return (await response.json()) as { tenant: TenantView; adminToken: string };
}

const message = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;

describe('tenants, managed by the operator', () => {
  it('creates a company with its numbers and first admin, and its customers reach its own assistant', async () => {
    const { tenant, adminToken } = await created({
      name: 'Harbour Kayaks',
      timezone: 'America/Vancouver',
      numbers: ['+16045550777', 'whatsapp:+16045550777', '+14155550100'],
      widget: { allowedOrigins: ['https://harbour.example'] },
    });
    expect(tenant).toMatchObject({ name: 'Harbour Kayaks', timezone: 'America/Vancouver', numbers: ['+14155550100', '+16045550777'], widget: { allowedOrigins: ['https://harbour.example'] }, deletedAt: null });
    expect(tenant.id).toMatch(/^harbour-kayaks-[0-9a-f]{6}$/);
    expect(tenant.widget.key).toMatch(/^wk_/);

    // Its admin token is an admin agent of that tenant alone.
    const me = (await (await stack.api('/api/me', { token: adminToken })).json()) as { tenantId: string; role: string };
    expect(me).toEqual(expect.objectContaining({ tenantId: tenant.id, role: 'admin' }));

    // A customer writing to its number is in its conversation, answered from its number.
    const from = uniquePhone();
    stack.openai.script({ content: 'Welcome to Harbour Kayaks!' });
    expect((await stack.postSms(smsParams({ from, body: 'hello', to: '+16045550777' }))).status).toBe(200);
    const [reply] = await stack.twilio.waitForSent(1);
    expect(reply).toMatchObject({ to: from, from: '+16045550777', body: 'Welcome to Harbour Kayaks!' });
    const list = (await (await stack.api('/api/conversations', { token: adminToken })).json()) as { conversations: { id: string }[] };
    expect(list.conversations.map((c) => c.id)).toEqual([conversationWorkflowId({ tenantId: tenant.id, contactKey: from })]);
    expect(((await (await stack.api('/api/conversations')).json()) as { conversations: unknown[] }).conversations).toEqual([]);
  });

  it('gives a number to one tenant only, changes what it is told, and deletes softly', async () => {
    const first = await created({ name: 'First', numbers: ['+16045550701'] });
    const second = await created({ name: 'Second' });
    const taken = await admin(`/${second.tenant.id}`, { method: 'PATCH', body: { numbers: ['+16045550702', '+16045550701'] } });
    expect(taken.status).toBe(409);
    expect(await message(taken)).toEqual({ code: 'number_taken', message: '+16045550701 already belongs to another tenant' });
    // Nothing of a refused change is kept.
    expect((await (await admin(`/${second.tenant.id}`)).json()) as { tenant: TenantView }).toMatchObject({ tenant: { numbers: [] } });
    expect((await admin('', { method: 'POST', body: { name: 'Third', numbers: ['+16045550701'] } })).status).toBe(409);

    const changed = await admin(`/${second.tenant.id}`, { method: 'PATCH', body: { name: 'Second Co', timezone: 'Europe/Paris', numbers: ['+16045550702'] } });
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as { tenant: TenantView }).tenant).toMatchObject({ name: 'Second Co', timezone: 'Europe/Paris', numbers: ['+16045550702'] });
    // The default tenant is one of them, and can be given numbers too.
    const all = (await (await admin('')).json()) as { tenants: TenantView[] };
    expect(all.tenants.map((t) => t.id)).toEqual(['default', first.tenant.id, second.tenant.id]);

    expect((await admin(`/${first.tenant.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await admin(`/${first.tenant.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await stack.api('/api/me', { token: first.adminToken })).status).toBe(401);
    expect((await admin(`/${first.tenant.id}`)).status).toBe(404);
    const kept = ((await (await admin('?deleted=true')).json()) as { tenants: TenantView[] }).tenants.find((t) => t.id === first.tenant.id);
    expect(kept).toMatchObject({ numbers: [], deletedAt: expect.any(String) });
    expect(((await (await admin('')).json()) as { tenants: TenantView[] }).tenants.map((t) => t.id)).not.toContain(first.tenant.id);
    expect(((await (await admin('?deleted=true')).json()) as { tenants: TenantView[] }).tenants.map((t) => t.id)).toContain(first.tenant.id);
    // Its number is free for another.
    expect((await admin(`/${second.tenant.id}`, { method: 'PATCH', body: { numbers: ['+16045550702', '+16045550701'] } })).status).toBe(200);
  });

  it('takes the operator token alone, and refuses what it cannot use in words', async () => {
    expect((await stack.api('/api/admin/tenants', { token: stack.agentToken })).status).toBe(403);
    expect((await fetch(`${stack.apiUrl}/api/admin/tenants`)).status).toBe(401);
    for (const [body, words] of [
      [{ name: 'X', timezone: 'Mars/Olympus' }, 'timezone: an IANA time zone'],
      [{ name: 'X', numbers: ['call me'] }, 'numbers.0: call me is not a phone number'],
      [{ name: '' }, 'name'],
      [{ name: 'X', widget: { allowedOrigins: ['https://a.example/path'] } }, 'an origin'],
      [{ name: 'X', twilio: { accountSid: 'AC1', authToken: 'x'.repeat(32) } }, 'twilio.accountSid: must look like AC'],
      [{ name: 'X', twilio: { accountSid: `AC${'1'.repeat(32)}` } }, 'twilio.authToken'],
    ] as const) {
      const response = await admin('', { method: 'POST', body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await message(response)).message).toContain(words);
    }
    // Without SECRETS_KEY, a tenant's own credentials are refused rather than kept in the clear.
    const unsealed = await admin('', { method: 'POST', body: { name: 'X', twilio: { accountSid: `AC${'1'.repeat(32)}`, authToken: 'f'.repeat(32) } } });
    expect(unsealed.status).toBe(409);
    expect((await message(unsealed)).code).toBe('secrets_key_unset');
    expect(((await (await admin('')).json()) as { tenants: TenantView[] }).tenants.map((t) => t.name)).not.toContain('X');
    expect((await admin('/nobody')).status).toBe(404);
  });
});

describe("a tenant's own settings, for its admins", () => {
  const settings = (path = '', init: { method?: string; body?: unknown; token?: string } = {}) =>
    stack.api(`/api/settings${path}`, { method: init.method ?? 'GET', ...(init.token ? { token: init.token } : {}), ...(init.body ? { body: JSON.stringify(init.body) } : {}) });

  it('changes who the assistant is, its texts and time zone; adds agents and numbers; refuses plain agents', async () => {
    const plain = await createAgent(stack.db, { tenantId: 'default', name: 'Plain agent' });
    for (const path of ['', '/agents', '/numbers']) expect((await settings(path, { token: plain.token })).status, path).toBe(403);

    const changed = await settings('', { method: 'PATCH', body: { persona: { assistantName: 'Kai' }, texts: { help: 'Harbour help: ask away.' }, timezone: 'America/Vancouver' } });
    expect(changed.status).toBe(200);
    const view = (await changed.json()) as TenantSettingsView;
    expect(view).toMatchObject({ tenantId: 'default', timezone: 'America/Vancouver', persona: { assistantName: 'Kai' }, texts: { help: { text: 'Harbour help: ask away.', own: true }, holding: { own: false } } });
    const back = (await (await settings('', { method: 'PATCH', body: { texts: { help: null } } })).json()) as TenantSettingsView;
    expect(back.texts.help).toEqual({ text: expect.stringContaining('Reply with your question'), own: false });
    expect(back.persona).toEqual({ assistantName: 'Kai' });
    expect((await settings('', { method: 'PATCH', body: { texts: { nonsense: 'x' } } })).status).toBe(400);

    const hired = await settings('/agents', { method: 'POST', body: { name: 'Jo' } });
    expect(hired.status).toBe(201);
    const { token } = (await hired.json()) as { token: string };
    expect(await (await stack.api('/api/me', { token })).json()).toMatchObject({ name: 'Jo', role: 'agent', tenantId: 'default' });
    const team = (await (await settings('/agents')).json()) as { agents: { name: string }[] };
    expect(team.agents.map((a) => a.name)).toEqual(expect.arrayContaining(['Test agent', 'Plain agent', 'Jo']));
    expect(JSON.stringify(team)).not.toContain('token');

    expect((await settings('/numbers', { method: 'POST', body: { number: 'whatsapp:+16045550799' } })).status).toBe(201);
    expect((await settings('/numbers', { method: 'POST', body: { number: '+16045550799' } })).status).toBe(200);
    // Written another way, it is refused rather than guessed at.
    expect((await settings('/numbers', { method: 'POST', body: { number: '(604) 555-0799' } })).status).toBe(400);
    const other = await created({ name: 'Other', numbers: ['+16045550798'] });
    const taken = await settings('/numbers', { method: 'POST', body: { number: '+16045550798' } });
    expect(taken.status).toBe(409);
    expect(await (await settings('/numbers')).json()).toEqual({ numbers: ['+16045550799'] });
    // Another tenant's admin sees and changes only theirs.
    expect(await (await settings('/numbers', { token: other.adminToken })).json()).toEqual({ numbers: ['+16045550798'] });
    expect((await settings(`/numbers/${encodeURIComponent('+16045550799')}`, { method: 'DELETE', token: other.adminToken })).status).toBe(404);
    expect((await settings(`/numbers/${encodeURIComponent('+16045550799')}`, { method: 'DELETE' })).status).toBe(204);
    expect(await (await settings('/numbers')).json()).toEqual({ numbers: [] });
  });
});

describe("a tenant's projects", () => {
  const projects = (path = '', init: { method?: string; body?: unknown; token?: string } = {}) =>
    stack.api(`/api/settings/projects${path}`, { method: init.method ?? 'GET', ...(init.token ? { token: init.token } : {}), ...(init.body ? { body: JSON.stringify(init.body) } : {}) });

  it('keeps each project to its tenant, checks its number and tools, and answers its conversations with its prompt, tools and texts', async () => {
    await stack.api('/api/settings/numbers', { method: 'POST', body: JSON.stringify({ number: '+15005550006' }) });
    const refused = async (body: unknown, status: number, code: string) => {
      const response = await projects('', { method: 'POST', body });
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect((await message(response)).code).toBe(code);
    };
    await refused({ name: 'X', senderNumber: '+16045550000' }, 422, 'sender_not_yours');
    await refused({ name: 'X', tools: ['launch_rockets'] }, 422, 'unknown_tool');
    await refused({ name: 'X', texts: { nonsense: 'x' } }, 400, 'invalid_body');

    const made = await projects('', { method: 'POST', body: { name: 'Moving help', promptAddition: 'Ask where they are moving from and to.', senderNumber: '+15005550006', tools: ['search_knowledge'], texts: { handoffAck: 'A mover will write to you.' } } });
    expect(made.status).toBe(201);
    const { project } = (await made.json()) as { project: ProjectView };
    expect(project).toMatchObject({ name: 'Moving help', senderNumber: '+15005550006', tools: ['search_knowledge'], texts: { handoffAck: 'A mover will write to you.' } });
    await refused({ name: 'Moving help' }, 409, 'project_name_taken');
    const changed = await projects(`/${project.id}`, { method: 'PATCH', body: { promptAddition: 'Ask where they are moving from and to, and when.' } });
    expect(((await changed.json()) as { project: ProjectView }).project).toMatchObject({ promptAddition: 'Ask where they are moving from and to, and when.', tools: ['search_knowledge'] });

    // Plain agents and other tenants' admins do not see it.
    const plain = await createAgent(stack.db, { tenantId: 'default', name: 'Plain agent' });
    expect((await projects('', { token: plain.token })).status).toBe(403);
    const other = await created({ name: 'Other' });
    expect(await (await projects('', { token: other.adminToken })).json()).toEqual({ projects: [] });
    expect((await projects(`/${project.id}`, { token: other.adminToken })).status).toBe(404);

    // A conversation the project reached: its prompt, only its tools (and handing over), its texts.
    const from = uniquePhone();
    const id = conversationWorkflowId({ tenantId: 'default', contactKey: from });
    await enterProject(stack.db, { id, tenantId: 'default', contactKey: from, channel: 'sms' }, project.id);
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'wants a mover' } }] });
    expect((await stack.postSms(smsParams({ from, body: 'I need help moving' }))).status).toBe(200);
    const [notice] = await stack.twilio.waitForSent(1);
    expect(notice?.body).toBe('A mover will write to you.');
    const request = stack.openai.requests[0];
    expect(JSON.stringify(request?.messages[0])).toContain('when.');
    expect(request?.tools?.map((t) => t.function.name).sort()).toEqual(['handoff_to_human', 'search_knowledge']);
  });
});
