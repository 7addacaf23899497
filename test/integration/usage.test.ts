import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { conversationWorkflowId } from '../../api/conversation-client';
import type { AgentView, ConversationDetail, ConversationMessages, ModelsView, UsageReport } from '../../api/protocol/agent-api';
import { createAgent } from '../../db/repositories/agents';
import { defaultServiceTexts } from '../../domain/texts';
import { localTime } from '../../domain/time-zone';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai';
import { resetDatabase, smsParams, startStack, uniquePhone, type Stack } from '../support/stack';

/** What the model costs, counted per call; a monthly budget; and a second model when the first is down. */
const sum = (list: { prompt: number; completion: number }[]) => list.reduce((t, u) => ({ prompt: t.prompt + u.prompt, completion: t.completion + u.completion }), { prompt: 0, completion: 0 });

async function converse(stack: Stack, body: string, sent: number): Promise<string> {
  const from = uniquePhone();
  await stack.postSms(smsParams({ from, body }));
  await stack.twilio.waitForSent(sent);
  await stack.settled(from);
  return from;
}

describe('usage and cost', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ BATCH_QUIET_MS: '200', OPENAI_MODEL: 'gpt-4o-mini' });
  });
  afterAll(async () => {
    await stack?.stop();
  });
  beforeEach(async () => {
    await resetDatabase(stack.db);
    stack.openai.reset();
    stack.twilio.reset();
  });

  it("counts every call's tokens as the model reported them, per day and model, per conversation, with its price", async () => {
    await stack.db.updateTable('tenants').set({ time_zone: 'America/Vancouver' }).where('id', '=', 'default').execute();
    stack.openai.script({ toolCalls: [{ name: 'search_knowledge', arguments: { query: 'hours' } }] }, { content: 'We open at nine on weekdays and ten on Saturdays.' });
    const from = await converse(stack, 'When do you open?', 1);
    const reported = sum(stack.openai.usages);
    expect(stack.openai.usages).toHaveLength(2);

    const calls = await stack.db.selectFrom('model_calls').select(['purpose', 'model', 'provider', 'prompt_tokens', 'completion_tokens']).orderBy('id').execute();
    expect(calls.map((c) => c.purpose)).toEqual(['tool_round', 'reply']);
    expect(calls.every((c) => c.model === 'gpt-4o-mini' && c.provider.startsWith('127.0.0.1:'))).toBe(true);

    const report = (await (await stack.api('/api/usage')).json()) as UsageReport;
    const today = localTime(new Date(), 'America/Vancouver').date;
    expect(report).toMatchObject({ to: today, timeZone: 'America/Vancouver', budget: { monthlyTokens: null, state: 'ok' } });
    expect(report.days).toEqual([{ day: today, model: 'gpt-4o-mini', calls: 2, promptTokens: reported.prompt, completionTokens: reported.completion, costUsd: expect.any(Number) as number }]);
    // gpt-4o-mini: $0.15 and $0.60 per million prompt and completion tokens.
    expect(report.totals.costUsd).toBeCloseTo((reported.prompt * 0.15 + reported.completion * 0.6) / 1e6, 8);

    const detail = (await (await stack.api(`/api/conversations/${encodeURIComponent(conversationWorkflowId({ tenantId: 'default', contactKey: from }))}`)).json()) as ConversationDetail;
    expect(detail.usage).toMatchObject({ calls: 2, promptTokens: reported.prompt, completionTokens: reported.completion });

    expect((await stack.api('/api/usage?from=2026-13-01')).status).toBe(400);
    expect((await stack.api('/api/usage?from=2026-12-02&to=2026-12-01')).status).toBe(422);
    const empty = (await (await stack.api('/api/usage?from=2020-01-01&to=2020-01-31')).json()) as UsageReport;
    expect(empty.days).toEqual([]);
  });

  it('warns agents from 80 % of the monthly budget, and once it is spent hands new turns to people without the model', async () => {
    await converse(stack, 'Hello there, how are you?', 1);
    const used = sum(stack.openai.usages);
    const total = used.prompt + used.completion;
    await stack.db.updateTable('tenants').set({ monthly_token_budget: Math.ceil(total / 0.9) }).where('id', '=', 'default').execute();
    const me = (await (await stack.api('/api/me')).json()) as AgentView;
    expect(me.budget).toEqual({ monthlyTokens: Math.ceil(total / 0.9), usedThisMonth: total, state: 'warning' });

    await stack.db.updateTable('tenants').set({ monthly_token_budget: total }).where('id', '=', 'default').execute();
    const requests = stack.openai.requests.length;
    const from = await converse(stack, 'Can you help me with my order?', 2);
    expect(stack.openai.requests).toHaveLength(requests);
    expect(stack.twilio.sent.at(-1)).toMatchObject({ to: from, body: defaultServiceTexts.budgetSpent });
    const handoffs = await stack.db.selectFrom('handoff_tasks').select('reason').execute();
    expect(handoffs).toEqual([{ reason: "the tenant's monthly model token budget is spent" }]);
  });
});

describe('a second model when the first is down', () => {
  let stack: Stack;
  let fallback: FakeOpenAI;
  beforeAll(async () => {
    fallback = await startFakeOpenAI();
    stack = await startStack({
      BATCH_QUIET_MS: '200',
      LLM_FALLBACK_BASE_URL: fallback.baseURL,
      LLM_FALLBACK_API_KEY: fallback.apiKey,
      LLM_FALLBACK_MODEL: 'backup-model',
      TOOLS_ALLOW_PRIVATE_URLS: 'true',
    });
    await resetDatabase(stack.db);
  });
  afterAll(async () => {
    await stack?.stop();
    await fallback?.close();
  });

  it('answers with the fallback while the primary returns 500, records which model answered, and then stops asking the primary', async () => {
    stack.openai.respond = () => ({ error: { status: 500, message: 'primary is down' } });
    fallback.respond = (request) => ({ content: `backup: ${request.messages.at(-1)?.content ?? ''}` });
    const froms: string[] = [];
    for (const [i, body] of ['first question', 'second question', 'third question', 'fourth question'].entries()) {
      froms.push(await converse(stack, body, i + 1));
      expect(stack.twilio.sent[i]?.body).toBe(`backup: ${body}`);
    }
    // Three failures in a row open the breaker: the fourth turn goes straight to the fallback.
    expect(stack.openai.requests).toHaveLength(3);
    expect(fallback.requests).toHaveLength(4);
    expect(stack.twilio.sent.map((s) => s.body)).not.toContain(defaultServiceTexts.fallback);

    const messages = (await (await stack.api(`/api/conversations/${encodeURIComponent(conversationWorkflowId({ tenantId: 'default', contactKey: froms[0] ?? '' }))}/messages`)).json()) as ConversationMessages;
    expect(messages.messages.find((m) => m.author === 'ai')?.model).toBe('backup-model');
    const counted = await stack.db.selectFrom('model_calls').select('model').execute();
    expect(counted.map((c) => c.model)).toEqual(['backup-model', 'backup-model', 'backup-model', 'backup-model']);
  });

  it("uses the tenant's own fallback model before the service's, and the service's again once it is removed", async () => {
    const own = await startFakeOpenAI();
    try {
      stack.openai.respond = () => ({ error: { status: 503, message: 'primary is down' } });
      own.respond = () => ({ content: 'from the tenant fallback' });
      const { token } = await createAgent(stack.db, { tenantId: 'default', name: 'Not an admin' });
      const body = JSON.stringify({ baseUrl: own.baseURL, apiKey: own.apiKey, model: 'tenant-model' });
      expect((await stack.api('/api/models/fallback', { method: 'PUT', token, body })).status).toBe(403);
      expect((await stack.api('/api/models/fallback', { method: 'PUT', body: JSON.stringify({ baseUrl: 'ftp://x', apiKey: 'k', model: 'm' }) })).status).toBe(400);
      expect((await stack.api('/api/models/fallback', { method: 'PUT', body })).status).toBe(200);
      const models = (await (await stack.api('/api/models')).json()) as ModelsView;
      expect(models).toMatchObject({ primary: { model: 'gpt-4o-mini' }, fallback: { model: 'tenant-model', source: 'tenant' } });
      expect(JSON.stringify(models)).not.toContain(own.apiKey);

      stack.twilio.reset();
      const from = await converse(stack, 'who answers?', 1);
      expect(stack.twilio.sent[0]).toMatchObject({ to: from, body: 'from the tenant fallback' });
      expect(own.requests).toHaveLength(1);

      expect((await stack.api('/api/models/fallback', { method: 'DELETE' })).status).toBe(204);
      expect(((await (await stack.api('/api/models')).json()) as ModelsView).fallback).toMatchObject({ model: 'backup-model', source: 'service' });
    } finally {
      await stack.db.updateTable('tenants').set({ llm_fallback: null }).where('id', '=', 'default').execute();
      await own.close();
    }
  });
});
