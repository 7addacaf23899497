import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDb } from '../../db/connection';
import { extractiveReply } from '../../activities/extractive';
import { ingestDocument, textDocument } from '../../activities/knowledge/ingest-document';
import { pruneDocuments } from '../../db/repositories/knowledge';
import { searchKnowledge } from '../../db/repositories/knowledge-search';
import type { Message } from '../../db/schema';
import { answerable, documents, smallTalk, unanswerable, unsure } from '../fixtures/knowledge-questions';
import { defaultServiceTexts } from '../../domain/texts';
import '../support/provided';

/**
 * The offline responder on a question set (test/fixtures/knowledge-questions.ts): word forms and small typos still
 * find the document that answers; a passage that shares only part of a question is offered with the responder's
 * doubt; questions nothing answers are handed to a person; greetings and thanks are answered in kind. Before word
 * forms and typos were handled, 15 of the 23 were answered right; now 22 are (the miss is "express shipping", which
 * both the delivery and the payment document mention only as "express").
 */
const tenantId = 'knowledge-test';
const db = createDb(inject('databaseUrl'), { max: 2 });

beforeAll(async () => {
  await db.deleteFrom('tenants').where('id', '=', tenantId).execute();
  await db.insertInto('tenants').values({ id: tenantId, name: 'Knowledge test', system_prompt: '' }).execute();
  for (const document of documents) await ingestDocument(db, null, textDocument(tenantId, document));
});
afterAll(async () => {
  await db.deleteFrom('tenants').where('id', '=', tenantId).execute();
  await db.destroy();
});

const asked = (body: string): Message[] => [
  {
    id: 'in:1', conversation_id: 'c', tenant_id: tenantId, direction: 'inbound', author: 'customer', channel: 'web', from_address: 'ws1',
    to_address: '', body, full_body: null, media: [], options: null, provider_message_id: 'p1', status: 'received', error_code: null,
    error_message: null, model: null, sources: null, created_at: new Date(), updated_at: new Date(),
  },
];

/** The passage the responder gives for a document: its text without the title. */
const passageOf = (title: string) => documents.find((d) => d.title === title)?.body ?? '';

/** What the responder does with a question: the document it answers with, sure or not, or a handoff. */
async function answer(question: string): Promise<{ title: string; sure: boolean } | 'handoff' | string> {
  const reply = await extractiveReply(db, null, tenantId, asked(question), 'sms');
  if (reply.kind === 'handoff') return 'handoff';
  if (reply.kind !== 'text') return reply.kind;
  const document = documents.find((d) => reply.text.endsWith(d.body));
  if (!document) return reply.text;
  return { title: document.title, sure: reply.text === passageOf(document.title) };
}

describe('offline knowledge search', () => {
  it("answers the README's examples: 'What are your opening hours?', 'And do you deliver?'", async () => {
    expect(await answer('What are your opening hours?')).toEqual({ title: 'Opening hours', sure: true });
    expect(await answer('And do you deliver?')).toEqual({ title: 'Delivery', sure: true });
  });

  it('answers at least 90 % of the questions with the right document, across word forms and typos', async () => {
    const misses: string[] = [];
    for (const { question, answer: expected } of answerable) {
      const found = await answer(question);
      if (typeof found !== 'object' || found.title !== expected || !found.sure) misses.push(`${question} -> ${JSON.stringify(found)} (expected ${expected})`);
    }
    expect(answerable.length - misses.length, misses.join('\n')).toBeGreaterThanOrEqual(Math.ceil(answerable.length * 0.9));
  });

  it('hands questions no document answers to a person, and says so when a passage answers only part', async () => {
    for (const question of unanswerable) expect(await answer(question), question).toBe('handoff');
    for (const question of unsure) {
      const found = await answer(question);
      expect(found, question).toMatchObject({ sure: false });
      const reply = await extractiveReply(db, null, tenantId, asked(question), 'sms');
      expect(reply.kind === 'text' && reply.text.startsWith("I'm not sure I understood"), question).toBe(true);
    }
  });

  it('answers greetings, thanks and goodbyes in kind; a greeting says what it can answer', async () => {
    for (const { message, kind } of smallTalk) {
      const reply = await extractiveReply(db, null, tenantId, asked(message), 'sms');
      expect(reply.kind, message).toBe('text');
      expect(reply.kind === 'text' && reply.text.startsWith(defaultServiceTexts[kind]), message).toBe(true);
    }
    const hello = await extractiveReply(db, null, tenantId, asked('hi'), 'sms');
    expect(hello).toEqual({ kind: 'text', text: `${defaultServiceTexts.greeting} I can answer questions about opening hours, returns and refunds, delivery and payment methods.` });
  });

  it("never finds another tenant's documents", async () => {
    expect(await searchKnowledge(db, 'another-tenant', 'opening hours warranty delivery', { limit: 3 })).toEqual([]);
  });
});

describe('the responder without an LLM', () => {
  it("offers web visitors the passage's page and the other matching documents as quick replies", async () => {
    await db.updateTable('knowledge_documents').set({ url: 'https://shop.example.com/help/delivery' }).where('tenant_id', '=', tenantId).where('title', '=', 'Delivery').execute();
    const web = await extractiveReply(db, null, tenantId, asked('How much is express delivery and can I return it?'), 'web');
    expect(web).toMatchObject({ kind: 'text', options: { actions: [{ label: 'Open “Delivery”', url: 'https://shop.example.com/help/delivery' }] } });
    const quick = web.kind === 'text' ? (web.options?.quickReplies ?? []) : [];
    expect(quick.length).toBeGreaterThan(0);
    expect(quick).not.toContain('Delivery');
    // Tapping one asks for that document again.
    expect(await answer(quick[0] ?? '')).toEqual({ title: quick[0], sure: true });

    const sms = await extractiveReply(db, null, tenantId, asked('How much is express delivery and can I return it?'), 'sms');
    expect(sms).toEqual({ kind: 'text', text: web.kind === 'text' ? web.text : '', sources: [expect.objectContaining({ title: 'Delivery', url: 'https://shop.example.com/help/delivery' })] });
  });
});

describe('pruning', () => {
  it("prunes the working directory's files only: never a URL, an upload or an absolute path", async () => {
    const tenant = 'prune-test';
    await db.deleteFrom('tenants').where('id', '=', tenant).execute();
    await db.insertInto('tenants').values({ id: tenant, name: 'Prune test', system_prompt: '' }).execute();
    try {
      for (const source of ['a.md', 'docs/b.md', 'https://shop.example/c', 'upload:d.pdf', 'title:E', '/srv/f.md']) {
        await ingestDocument(db, null, textDocument(tenant, { title: source, body: `About ${source}.`, source }));
      }
      expect(await pruneDocuments(db, tenant, 'docs/', [])).toEqual(['docs/b.md']);
      expect(await pruneDocuments(db, tenant, '', ['a.md'])).toEqual([]);
      expect(await pruneDocuments(db, tenant, '', [])).toEqual(['a.md']);
      const left = await db.selectFrom('knowledge_documents').select('source').where('tenant_id', '=', tenant).orderBy('source').execute();
      expect(left.map((d) => d.source)).toEqual(['/srv/f.md', 'https://shop.example/c', 'title:E', 'upload:d.pdf']);
    } finally {
      await db.deleteFrom('tenants').where('id', '=', tenant).execute();
    }
  });
});
