import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReplayReport } from '../../activities/replay/report';
import { replayWorkflowId } from '../../api/replay-runs';
import { budgetOf } from '../../db/repositories/usage';
import type { ChatRequest } from '../fakes/openai';
import { keepHistory } from '../support/histories';
import { runScript, type ScriptRun } from '../support/script';
import { useStack, type Stack } from '../support/stack';

/**
 * `npm run replay`: recorded conversations re-driven against a changed assistant, outside their workflows, into a
 * side-by-side report (HTML, JSON, the API) with cost, time and a judge's verdicts, changing nothing live.
 */
let stack: Stack;
useStack((started) => (stack = started));

const root = mkdtempSync(join(tmpdir(), 'replay-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `count` conversations of yesterday, recorded as the service keeps them: a question and the AI's answer. */
async function recordConversations(count: number, day: string): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const id = `conversation:default:+1604555${String(1000 + i)}`;
    const asked = new Date(`${day}T12:00:00Z`);
    asked.setUTCMinutes(i);
    const question = i % 5 === 0 ? `What are your opening hours? (${i})` : `Do you sell lamps? (${i})`;
    await stack.db
      .insertInto('conversations')
      .values({ id, tenant_id: 'default', contact_key: `+1604555${1000 + i}`, last_channel: 'sms', channels: ['sms'], last_message_at: asked })
      .execute();
    await stack.db
      .insertInto('messages')
      .values([
        { id: `in:${i}`, conversation_id: id, tenant_id: 'default', direction: 'inbound', author: 'customer', channel: 'sms', from_address: `+1604555${1000 + i}`, to_address: '+15005550006', body: question, status: 'received', created_at: asked },
        {
          id: `out:${i}`,
          conversation_id: id,
          tenant_id: 'default',
          direction: 'outbound',
          author: 'ai',
          channel: 'sms',
          from_address: '+15005550006',
          to_address: `+1604555${1000 + i}`,
          body: `echo: ${question}`,
          status: 'delivered',
          model: 'gpt-4o-mini',
          created_at: new Date(asked.getTime() + 2000),
        },
      ])
      .execute();
    await stack.db
      .insertInto('model_calls')
      .values({ tenant_id: 'default', conversation_id: id, purpose: 'reply', provider: 'api.openai.com', model: 'gpt-4o-mini', prompt_tokens: 100, completion_tokens: 10, latency_ms: 800, cost_usd: 0.0001, created_at: new Date(asked.getTime() + 1000) })
      .execute();
  }
}

function replay(args: string[]): Promise<ScriptRun> {
  return runScript('replay', args, { ...stack.workerEnv(), DEV_DATA_DIR: root });
}

/** What the live record holds: a replay must leave every count as it was. */
async function liveCounts() {
  const count = async (table: 'messages' | 'conversations' | 'handoff_tasks' | 'tool_runs' | 'bookings') =>
    Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(stack.db)).rows[0]?.n);
  return { messages: await count('messages'), conversations: await count('conversations'), handoffs: await count('handoff_tasks'), toolRuns: await count('tool_runs'), bookings: await count('bookings'), sent: stack.twilio.sent.length };
}

describe('npm run replay', () => {
  it('replays 50 recorded conversations against a changed prompt into a side-by-side report, changing nothing live', async () => {
    await recordConversations(50, '2026-11-29');
    const variantFile = join(root, 'pirate.json');
    writeFileSync(variantFile, JSON.stringify({ systemPrompt: 'You are a pirate. Answer hours questions in pirate speak.' }));
    stack.openai.respond = (request: ChatRequest) => {
      if (request.model === 'judge-model') return { content: '{"verdict": "worse", "reason": "Pirate speak confuses customers."}' };
      const question = request.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
      const pirate = request.messages[0]?.content?.includes('pirate') && question.includes('opening hours');
      return { content: pirate ? `Arr, we be open nine to six. ${question}` : `echo: ${question}` };
    };
    const before = await liveCounts();
    const run = await replay(['--from', '2026-11-29', '--to', '2026-11-29', '--variant', variantFile, '--judge', 'judge-model', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as ReplayReport & { files: { html: string; json: string } };
    expect(report).toMatchObject({ status: 'done', conversations: 50, done: 50, judgeModel: 'judge-model' });
    expect(report.totals).toMatchObject({ turns: 50, changed: 10, verdicts: { better: 0, same: 40, worse: 10 } });
    const changed = report.turns.filter((t) => t.changed);
    expect(changed[0]).toMatchObject({
      question: 'What are your opening hours? (0)',
      recorded: { text: 'echo: What are your opening hours? (0)', costUsd: 0.0001, latencyMs: 800, model: 'gpt-4o-mini' },
      variant: { text: 'Arr, we be open nine to six. What are your opening hours? (0)', outcome: 'answered' },
      verdict: 'worse',
      verdictReason: 'Pirate speak confuses customers.',
    });
    expect(changed[0]?.variant.costUsd).toBeGreaterThan(0);

    await keepHistory('replay', stack.temporal.workflow.getHandle(replayWorkflowId(report.id)));

    // Files, and the API.
    const html = readFileSync(report.files.html, 'utf8');
    expect(html).toContain('Replay of 2026-11-29 to 2026-11-29');
    expect(html).toContain('Arr, we be open nine to six.');
    expect(JSON.parse(readFileSync(report.files.json, 'utf8'))).toMatchObject({ id: report.id, totals: { changed: 10 } });
    expect(await (await stack.api(`/api/replays/${report.id}`)).json()).toMatchObject({ id: report.id, totals: { turns: 50 } });
    const page = await stack.api(`/api/replays/${report.id}?format=html`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('10 changed');
    expect(await (await stack.api('/api/replays')).json()).toMatchObject({ replays: [{ id: report.id, status: 'done', conversations: 50, done: 50 }] });

    // Nothing live changed: no message recorded or sent, no conversation touched; only the usage of the calls made.
    expect(await liveCounts()).toEqual(before);
    const usage = await stack.db.selectFrom('model_calls').select('purpose').where('purpose', 'in', ['replay', 'judge']).execute();
    expect(usage.filter((u) => u.purpose === 'replay')).toHaveLength(50);
    expect(usage.filter((u) => u.purpose === 'judge')).toHaveLength(10);
    // An operator's replay never spends the budget that keeps live replies going: only the recorded turns count.
    await stack.db.updateTable('tenants').set({ monthly_token_budget: 1_000_000 }).where('id', '=', 'default').execute();
    expect((await budgetOf(stack.db, 'default', new Date('2026-11-30T12:00:00Z'))).usedThisMonth).toBe(50 * 110);
  });

  it('replays a write with its recorded outcome instead of running it', async () => {
    await recordConversations(1, '2026-11-28');
    const id = 'conversation:default:+16045551000';
    await stack.db.insertInto('tenant_tools').values({ tenant_id: 'default', name: 'create_booking', enabled: true }).execute();
    await stack.db
      .insertInto('tool_runs')
      .values({ key: 'k1', tenant_id: 'default', conversation_id: id, tool: 'create_booking', arguments: '{}', status: 'done', result: JSON.stringify({ booking: 'BK-42', status: 'confirmed' }), notifications: '[]', created_at: new Date('2026-11-28T12:00:01Z') })
      .execute();
    const variantFile = join(root, 'model.json');
    writeFileSync(variantFile, JSON.stringify({ model: 'gpt-4.1-mini' }));
    stack.openai.script({ toolCalls: [{ name: 'create_booking', arguments: { slot_id: 'x', name: 'Ada' } }] }, { content: 'Booked: BK-42.' });
    const before = await liveCounts();
    const run = await replay(['--from', '2026-11-28', '--to', '2026-11-28', '--variant', variantFile, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as ReplayReport;
    expect(report.turns[0]?.variant).toMatchObject({ text: 'Booked: BK-42.', model: 'gpt-4.1-mini', tools: ['create_booking'] });
    const toolMessage = stack.openai.requests.at(-1)?.messages.find((m) => m.role === 'tool');
    expect(JSON.parse(toolMessage?.content ?? '{}')).toEqual({ booking: 'BK-42', status: 'confirmed' });
    expect(stack.openai.requests.every((r) => r.model === 'gpt-4.1-mini')).toBe(true);
    expect(await liveCounts()).toEqual(before);
  });

  it('says what is wrong with what it was given', async () => {
    const bad = join(root, 'bad.json');
    const good = join(root, 'good.json');
    writeFileSync(bad, JSON.stringify({ prompt: 'x' }));
    writeFileSync(good, JSON.stringify({ systemPrompt: 'x' }));
    const [variant, dates, none] = await Promise.all([
      replay(['--from', '2026-11-28', '--to', '2026-11-28', '--variant', bad]),
      replay(['--from', '2026-11-29', '--to', '2026-11-28', '--variant', good]),
      replay(['--from', '2020-01-01', '--to', '2020-01-02', '--variant', good]),
    ]);
    expect(variant).toMatchObject({ code: 1, stderr: expect.stringContaining('the variant') });
    expect(dates).toMatchObject({ code: 1, stderr: expect.stringContaining('--from not after --to') });
    expect(none).toMatchObject({ code: 1, stderr: expect.stringContaining('No conversation') });
  });
});
