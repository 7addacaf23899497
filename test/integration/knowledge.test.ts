import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../db/connection';
import { extractiveReply } from '../../activities/extractive';
import { addDocument, searchKnowledge } from '../../db/repositories/knowledge';
import type { Message } from '../../db/schema';
import { answerable, documents, unanswerable } from '../fixtures/knowledge-questions';
import '../support/provided';

/**
 * The offline knowledge search on a question set (test/fixtures/knowledge-questions.ts): word forms and small typos
 * still find the document that answers, and questions nothing answers find nothing. Before word forms and typos
 * were handled, 15 of the 23 were answered right; now 22 are (the miss is "express shipping", which both the
 * delivery and the payment document mention only as "express").
 */
const tenantId = 'knowledge-test';
const db = createDb(inject('databaseUrl'), { max: 2 });

beforeAll(async () => {
  await db.deleteFrom('tenants').where('id', '=', tenantId).execute();
  await db.insertInto('tenants').values({ id: tenantId, name: 'Knowledge test', system_prompt: '' }).execute();
  for (const document of documents) await addDocument(db, { tenantId, ...document });
});
afterAll(async () => {
  await db.deleteFrom('tenants').where('id', '=', tenantId).execute();
  await db.destroy();
});

async function best(question: string): Promise<string | null> {
  const [hit] = await searchKnowledge(db, tenantId, question, 1);
  return hit?.title ?? null;
}

describe('offline knowledge search', () => {
  it("answers the README's example: 'And do you deliver?' finds the Delivery document", async () => {
    expect(await best('And do you deliver?')).toBe('Delivery');
  });

  it('finds the right document for at least 90 % of the questions, across word forms and typos', async () => {
    const misses: string[] = [];
    for (const { question, answer } of answerable) {
      const found = await best(question);
      if (found !== answer) misses.push(`${question} -> ${found ?? 'nothing'} (expected ${answer})`);
    }
    expect(answerable.length - misses.length, misses.join('\n')).toBeGreaterThanOrEqual(Math.ceil(answerable.length * 0.9));
  });

  it('finds nothing for questions no document answers, so the responder hands them to a person', async () => {
    for (const question of unanswerable) expect(await best(question), question).toBeNull();
  });

  it("never finds another tenant's documents", async () => {
    expect(await searchKnowledge(db, 'another-tenant', 'opening hours warranty delivery', 3)).toEqual([]);
  });
});

describe('the responder without an LLM', () => {
  const asked = (body: string): Message[] => [
    {
      id: 'in:1', conversation_id: 'c', tenant_id: tenantId, direction: 'inbound', author: 'customer', channel: 'web', from_address: 'ws1',
      to_address: '', body, full_body: null, media: [], options: null, provider_message_id: 'p1', status: 'received', error_code: null,
      error_message: null, created_at: new Date(), updated_at: new Date(),
    },
  ];

  it("offers web visitors the passage's page and the other matching documents as quick replies", async () => {
    await db.updateTable('knowledge_documents').set({ url: 'https://shop.example.com/help/delivery' }).where('tenant_id', '=', tenantId).where('title', '=', 'Delivery').execute();
    const web = await extractiveReply(db, tenantId, asked('How much is express delivery and can I return it?'), 'web');
    expect(web).toMatchObject({ kind: 'text', options: { actions: [{ label: 'Open “Delivery”', url: 'https://shop.example.com/help/delivery' }] } });
    const quick = web.kind === 'text' ? (web.options?.quickReplies ?? []) : [];
    expect(quick.length).toBeGreaterThan(0);
    expect(quick).not.toContain('Delivery');
    // Tapping one asks for that document again.
    expect(await best(quick[0] ?? '')).toBe(quick[0]);

    const sms = await extractiveReply(db, tenantId, asked('How much is express delivery and can I return it?'), 'sms');
    expect(sms).toEqual({ kind: 'text', text: web.kind === 'text' ? web.text : '' });
  });
});
