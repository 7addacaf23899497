import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';
import type { ProjectView } from '../../api/protocol/admin-api';
import type { CampaignView } from '../../api/protocol/campaigns';
import { createAgent } from '../../db/repositories/agents';
import { sandboxTemplates } from '../../devkit/twilio-sandbox';
import { keepHistory } from '../support/histories';
import { resetDatabase, smsParams, startStack, type Stack } from '../support/stack';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

let stack: Stack;
beforeAll(async () => {
  // Workers run as processes of their own, so one can be killed in the middle of a campaign.
  stack = await startStack({ BATCH_QUIET_MS: '200' }, { worker: false });
});
afterAll(async () => {
  await stack?.stop();
});

const sender = '+15005550006';
const template = sandboxTemplates[0]!;

async function json<T>(response: Response, status = 200): Promise<T> {
  expect(response.status, await response.clone().text()).toBe(status);
  return (await response.json()) as T;
}

async function project(body: Record<string, unknown>): Promise<ProjectView> {
  return (await json<{ project: ProjectView }>(await stack.api('/api/settings/projects', { method: 'POST', body: JSON.stringify(body) }), 201)).project;
}

const campaign = async (id: string) => (await json<{ campaign: CampaignView }>(await stack.api(`/api/campaigns/${id}`))).campaign;
const act = async (id: string, action: 'pause' | 'resume' | 'cancel') => (await json<{ campaign: CampaignView }>(await stack.api(`/api/campaigns/${id}/${action}`, { method: 'POST' }))).campaign;

async function until(id: string, done: (c: CampaignView) => boolean, timeout = 60_000): Promise<CampaignView> {
  let last: CampaignView | undefined;
  await expect.poll(async () => done((last = await campaign(id))), { timeout, interval: 200 }).toBe(true);
  return last as CampaignView;
}

/** The n-th number of the audience: +1604558xxxx. */
const numberOf = (n: number) => `+1604558${String(n).padStart(4, '0')}`;

describe('outbound campaigns', () => {
  let worker: WorkerProcess | undefined;
  beforeAll(async () => {
    await resetDatabase(stack.db);
    stack.twilio.reset();
    expect((await stack.api('/api/settings/numbers', { method: 'POST', body: JSON.stringify({ number: sender }) })).status).toBe(201);
    worker = await startWorkerProcess(stack.workerEnv());
  });
  afterAll(async () => {
    await worker?.kill();
  });

  it('writes to 1,000 people over WhatsApp templates once each, through a pause, a resume and a killed worker, and answers replies in the project', async () => {
    const hiring = await project({ name: 'Spring hiring', promptAddition: 'You are recruiting delivery drivers for the spring; ask which days they can work.', senderNumber: sender });
    // Three people opted out of WhatsApp earlier.
    for (const n of [10, 500, 990]) await stack.db.insertInto('opt_outs').values({ tenant_id: 'default', contact_key: numberOf(n), channel: 'whatsapp', reason: 'twilio:21610' }).execute();
    const audience = [
      ...Array.from({ length: 1000 }, (_, n) => ({ phone: numberOf(n), name: `Person ${n}`, variables: { '1': `Person ${n}` } })),
      // The same people written another way, and numbers that are not numbers.
      { phone: '(604) 558-0001' },
      { phone: 'whatsapp:+16045580002' },
      { phone: '+1 604 558 0003' },
      { phone: 'call me' },
      { phone: '12' },
    ];

    const created = await json<{ campaign: CampaignView }>(
      await stack.api('/api/campaigns', {
        method: 'POST',
        body: JSON.stringify({ project: hiring.id, channel: 'whatsapp', template: { contentSid: template.sid, variables: { '1': 'there' } }, audience, ratePerSecond: 100 }),
      }),
      201,
    );
    const { id } = created.campaign;
    expect(created.campaign.counts).toMatchObject({ audience: 1005, skipped: { duplicate: 3, invalid: 2, opted_out: 0 } });

    // Paused once under way: it stops between two slices and stays stopped.
    await until(id, (c) => c.counts.sent >= 100);
    expect((await act(id, 'pause')).status).toBe('paused');
    const paused = await until(id, (c) => c.status === 'paused');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await campaign(id)).counts.sent).toBe(paused.counts.sent);
    expect(paused.counts.sent).toBeLessThan(997);
    expect((await act(id, 'resume')).status).toBe('running');

    // The worker dies in the middle; another takes over where it was.
    const atKill = await until(id, (c) => c.counts.sent >= 400);
    await worker?.kill();
    expect(atKill.counts.sent).toBeLessThan(997);
    worker = await startWorkerProcess(stack.workerEnv());
    const done = await until(id, (c) => c.status === 'done', 120_000);
    expect(done.counts).toEqual({ audience: 1005, queued: 0, sent: 997, delivered: 0, failed: 0, replied: 0, skipped: { duplicate: 3, invalid: 2, opted_out: 3 } });

    // Each person got it once, from the project's number, as the approved template with their own name.
    const sent = stack.twilio.sent;
    expect(sent).toHaveLength(997);
    expect(new Set(sent.map((m) => m.to)).size).toBe(997);
    expect(sent.every((m) => m.from === `whatsapp:${sender}` && m.contentSid === template.sid)).toBe(true);
    expect(sent.find((m) => m.to === `whatsapp:${numberOf(7)}`)?.body).toBe(template.body.replace('{{1}}', 'Person 7'));
    expect(sent.some((m) => m.to === `whatsapp:${numberOf(500)}`)).toBe(false);

    // A reply is answered in the project's context, and counted.
    stack.openai.script({ content: 'Great! Which days can you work?' });
    const replier = numberOf(7);
    expect((await stack.postSms(smsParams({ from: `whatsapp:${replier}`, to: `whatsapp:${sender}`, body: 'Yes, I am interested' }))).status).toBe(200);
    await stack.twilio.waitForSent(998, 30_000);
    const prompt = JSON.stringify(stack.openai.requests[0]?.messages[0]);
    expect(prompt).toContain('Spring hiring');
    expect(prompt).toContain('recruiting delivery drivers');
    expect((await campaign(id)).counts.replied).toBe(1);
    const conversation = await stack.db.selectFrom('conversations').select(['project_id']).where('id', '=', conversationWorkflowId({ tenantId: 'default', contactKey: replier })).executeTakeFirst();
    expect(conversation?.project_id).toBe(hiring.id);
  }, 240_000);

  it('refuses what it cannot send in words, waits for its time, cancels, and is its tenant’s alone', async () => {
    const news = await project({ name: 'Newsletter' });
    const post = (body: Record<string, unknown>) => stack.api('/api/campaigns', { method: 'POST', body: JSON.stringify({ project: news.id, channel: 'sms', template: { body: 'Hello from the shop!' }, audience: [{ phone: numberOf(1) }], ...body }) });
    const error = async (response: Response, status: number) => (await json<{ error: { code: string; message: string } }>(response, status)).error;
    expect(await error(await post({ project: 'prj_nope' }), 422)).toMatchObject({ code: 'unknown_project' });
    // WhatsApp writes first only as an approved template.
    expect(await error(await post({ channel: 'whatsapp' }), 400)).toMatchObject({ code: 'invalid_body', message: expect.stringContaining('template.contentSid') });
    expect(await error(await post({ channel: 'whatsapp', template: { contentSid: sandboxTemplates[2]!.sid } }), 422)).toMatchObject({ code: 'template_not_approved' });
    expect(await error(await post({ audience: [] }), 400)).toMatchObject({ code: 'invalid_body' });

    // Scheduled for later: nothing goes, and cancelling it keeps it so.
    const later = (await json<{ campaign: CampaignView }>(await post({ sendAt: new Date(Date.now() + 3_600_000).toISOString() }), 201)).campaign;
    expect((await until(later.id, (c) => c.status === 'scheduled')).counts.queued).toBe(1);
    expect((await act(later.id, 'cancel')).status).toBe('cancelled');
    await until(later.id, (c) => c.status === 'cancelled' && c.finishedAt !== null);
    const over = await stack.api(`/api/campaigns/${later.id}/resume`, { method: 'POST' });
    expect(await error(over, 409)).toMatchObject({ code: 'campaign_over' });

    // Sent now: to each person once, as written.
    // At half a message a second each slice is one person: the pace holds from one slice to the next.
    const now = (await json<{ campaign: CampaignView }>(await post({ ratePerSecond: 0.5, audience: [{ phone: numberOf(2) }, { phone: '604-558-0002' }, { phone: numberOf(3) }] }), 201)).campaign;
    const finished = await until(now.id, (c) => c.status === 'done');
    expect(finished.counts).toMatchObject({ audience: 3, sent: 2, queued: 0, skipped: { duplicate: 1, invalid: 0, opted_out: 0 } });
    const [first, second] = stack.twilio.sent.filter((m) => m.to === numberOf(2) || m.to === numberOf(3));
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1950);
    expect(stack.twilio.sent.filter((m) => m.to === numberOf(2) || m.to === numberOf(3)).map((m) => ({ to: m.to, from: m.from, body: m.body }))).toEqual([
      { to: numberOf(2), from: sender, body: 'Hello from the shop!' },
      { to: numberOf(3), from: sender, body: 'Hello from the shop!' },
    ]);
    await keepHistory('campaign', stack.temporal.workflow.getHandle(`campaign:${now.id}`));

    // Another tenant's agent sees none of it.
    await stack.db.insertInto('tenants').values({ id: 'other-co', name: 'Other Co', system_prompt: '' }).onConflict((oc) => oc.doNothing()).execute();
    const other = await createAgent(stack.db, { tenantId: 'other-co', name: 'Other agent' });
    expect((await stack.api(`/api/campaigns/${later.id}`, { token: other.token })).status).toBe(404);
    expect((await stack.api(`/api/campaigns/${later.id}/cancel`, { method: 'POST', token: other.token })).status).toBe(404);
    expect(await json(await stack.api('/api/campaigns', { token: other.token }))).toEqual({ campaigns: [] });
    expect(stack.twilio.sent.filter((m) => m.to === numberOf(1))).toEqual([]);
  });
});
