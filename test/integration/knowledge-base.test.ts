import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { knowledgeIngestWorkflowId } from '../../api/knowledge-runs';
import { createAgent } from '../../db/repositories/agents';
import type { IngestProgress } from '../../db/repositories/knowledge-ingests';
import type { KnowledgeHit } from '../../db/repositories/knowledge-search';
import { sendJson, startHttpServer } from '../../devkit/http-server';
import { pdfWithText } from '../support/pdf';
import { keepHistory } from '../support/histories';
import { runScript, type ScriptRun } from '../support/script';
import { smsParams, uniquePhone, useStack, type Stack } from '../support/stack';

/**
 * A company's documents in the knowledge base: `npm run kb` ingests a folder as a Temporal run with a summary (a
 * broken file fails alone, an unchanged one costs nothing, a removed one is pruned), and the API adds, lists,
 * searches and removes documents, with vectors from an OpenAI-compatible embeddings endpoint on real pgvector.
 */
let stack: Stack;
useStack((started) => (stack = started), {
  EMBEDDINGS_MODEL: 'text-embedding-3-small',
  EMBEDDINGS_DIMENSIONS: '64',
  // The fake's vectors come from spelling alone: near texts share word parts.
  EMBEDDINGS_MIN_SIMILARITY: '0.2',
  EMBEDDINGS_SURE_SIMILARITY: '0.5',
  KNOWLEDGE_ALLOW_PRIVATE_URLS: 'true',
});

const root = mkdtempSync(join(tmpdir(), 'kb-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder of mixed documents: Markdown, HTML, text, PDF, and two that cannot be read. */
function writeFolder(dir: string, count: number): void {
  mkdirSync(join(dir, 'guides'), { recursive: true });
  for (let i = 0; i < count; i += 1) {
    const topic = `topic${i}`;
    if (i % 4 === 0) writeFileSync(join(dir, `${topic}.md`), `# Guide ${i}\n\nAll about ${topic} and its care.\n\n## Details\n\n| Item | Price |\n|---|---|\n| ${topic} | $${i} |\n`);
    else if (i % 4 === 1) writeFileSync(join(dir, 'guides', `${topic}.html`), `<html><head><title>Page ${i}</title></head><body><h2>${topic}</h2><p>The ${topic} page.</p></body></html>`);
    else if (i % 4 === 2) writeFileSync(join(dir, `${topic}.txt`), `Notes ${i}\n\nPlain notes on ${topic}.`);
    else writeFileSync(join(dir, `${topic}.pdf`), pdfWithText([[`Leaflet on ${topic}.`]], `Leaflet ${i}`));
  }
  writeFileSync(join(dir, 'broken.pdf'), 'not a pdf');
  writeFileSync(join(dir, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0xff]));
  writeFileSync(join(dir, 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
}

/** `npm run kb -- <args>` against the stack's database, Temporal and embeddings. */
function kb(args: string[]): Promise<ScriptRun> {
  return runScript('kb', args, {
    ...stack.workerEnv(),
    DEV_DATA_DIR: root,
    EMBEDDINGS_MODEL: 'text-embedding-3-small',
    EMBEDDINGS_DIMENSIONS: '64',
    EMBEDDINGS_MIN_SIMILARITY: '0.2',
    EMBEDDINGS_SURE_SIMILARITY: '0.5',
  });
}

const documentEmbeddings = () => stack.openai.embeddingRequests.filter((r) => r.input.some((text) => text.startsWith('Section: ')));

describe('npm run kb -- ingest', () => {
  it('ingests a folder as a run with a summary; re-ingested unchanged it embeds nothing; --prune removes what is gone', async () => {
    const dir = join(root, 'docs');
    writeFolder(dir, 24);
    const first = await kb(['ingest', dir, '--json']);
    expect(first.code, first.stderr).toBe(2);
    const summary = JSON.parse(first.stdout) as IngestProgress & { skipped: string[] };
    expect(summary).toMatchObject({ status: 'done', total: 26, added: 24, changed: 0, unchanged: 0, failed: 2 });
    expect(summary.failures).toEqual([
      { source: `${dir}/broken.pdf`, reason: expect.stringMatching(/^not a readable PDF/) },
      { source: `${dir}/latin1.txt`, reason: 'not UTF-8 text' },
    ]);
    expect(summary.skipped).toEqual([`${dir}/logo.png`]);
    expect(documentEmbeddings().length).toBeGreaterThan(0);
    const documents = await stack.db.selectFrom('knowledge_documents').select(['source', 'title', 'kind']).execute();
    expect(documents).toHaveLength(24);
    expect(documents).toContainEqual({ source: `${dir}/guides/topic1.html`, title: 'Page 1', kind: 'html' });
    expect(documents).toContainEqual({ source: `${dir}/topic3.pdf`, title: 'Leaflet 3', kind: 'pdf' });
    const chunks = await stack.db.selectFrom('knowledge_chunks').select(['section', 'embedding_model']).execute();
    expect(chunks.every((c) => c.embedding_model === 'text-embedding-3-small@64')).toBe(true);
    expect(chunks.map((c) => c.section)).toContain('Guide 0 > Details');

    stack.openai.embeddingRequests.length = 0;
    const again = JSON.parse((await kb(['ingest', dir, '--json'])).stdout) as IngestProgress;
    expect(again).toMatchObject({ added: 0, changed: 0, unchanged: 24, failed: 2 });
    expect(documentEmbeddings()).toEqual([]);

    writeFileSync(join(dir, 'topic0.md'), '# Guide 0\n\nAll about topic0, now with a new care routine.\n');
    rmSync(join(dir, 'topic2.txt'));
    rmSync(join(dir, 'broken.pdf'));
    rmSync(join(dir, 'latin1.txt'));
    const pruned = await kb(['ingest', dir, '--prune', '--json']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(JSON.parse(pruned.stdout)).toMatchObject({ added: 0, changed: 1, unchanged: 22, failed: 0, pruned: [`${dir}/topic2.txt`] });
    expect(documentEmbeddings()).toHaveLength(1);
    expect(await stack.db.selectFrom('knowledge_documents').select('source').where('source', '=', `${dir}/topic2.txt`).execute()).toEqual([]);

    const [list, search] = await Promise.all([kb(['list', '--json']), kb(['search', 'topic5 page', '--json'])]);
    const listed = JSON.parse(list.stdout) as { source: string }[];
    expect(listed).toHaveLength(23);
    const found = JSON.parse(search.stdout) as KnowledgeHit[];
    expect(found[0]).toMatchObject({ source: `${dir}/guides/topic5.html`, title: 'Page 5', sure: true });
    const removed = await kb(['remove', `${dir}/topic4.md`]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('Removed Guide 4');
    expect((await kb(['remove', `${dir}/topic4.md`])).code).toBe(1);
  });

  it('says what is wrong with what it was given', async () => {
    writeFileSync(join(root, 'one.md'), '# One\n\nA single page.');
    const [nowhere, prune, tenant, command] = await Promise.all([
      kb(['ingest', join(root, 'nowhere')]),
      kb(['ingest', join(root, 'one.md'), '--prune']),
      kb(['ingest', join(root, 'one.md'), '--tenant', 'nobody']),
      kb(['frobnicate']),
    ]);
    expect(nowhere).toMatchObject({ code: 1, stderr: expect.stringContaining('no such file or folder') });
    expect(prune).toMatchObject({ code: 1, stderr: expect.stringContaining('--prune works on a folder') });
    expect(tenant).toMatchObject({ code: 1, stderr: expect.stringContaining('no tenant nobody') });
    expect(command).toMatchObject({ code: 1, stderr: expect.stringContaining('no command frobnicate') });
  });
});

describe('the knowledge API', () => {
  it('adds a document as JSON or an upload, finds it, replaces it only when it changed, and removes it', async () => {
    const body = { title: 'Gift cards', content: 'Gift cards never expire and work in store and online.', url: 'https://shop.example/gift-cards' };
    const added = await stack.api('/api/knowledge/documents', { method: 'POST', body: JSON.stringify(body) });
    expect(added.status).toBe(201);
    const { document } = (await added.json()) as { document: { id: string; source: string; chunks: number } };
    expect(document).toMatchObject({ source: 'https://shop.example/gift-cards', chunks: 1 });
    expect(await (await stack.api('/api/knowledge/documents', { method: 'POST', body: JSON.stringify(body) })).json()).toMatchObject({ outcome: 'unchanged' });
    expect(await (await stack.api('/api/knowledge/documents', { method: 'POST', body: JSON.stringify({ ...body, content: `${body.content} They cannot be exchanged for cash.` }) })).json()).toMatchObject({
      outcome: 'changed',
      document: { id: document.id },
    });

    const search = (await (await stack.api('/api/knowledge/search?q=do%20gift%20cards%20expire')).json()) as { hits: KnowledgeHit[] };
    expect(search.hits[0]).toMatchObject({ documentId: document.id, title: 'Gift cards', url: 'https://shop.example/gift-cards' });
    expect(search.hits[0]?.content).toContain('cannot be exchanged for cash');

    const form = new FormData();
    form.append('file', new Blob([pdfWithText([['Parking is free behind the shop.']])]), 'parking.pdf');
    form.append('title', 'Parking');
    const uploaded = await fetch(`${stack.apiUrl}/api/knowledge/documents`, { method: 'POST', headers: { authorization: `Bearer ${stack.agentToken}` }, body: form });
    expect(uploaded.status).toBe(201);
    expect(await uploaded.json()).toMatchObject({ document: { source: 'upload:parking.pdf', title: 'Parking', kind: 'pdf' } });
    const broken = new FormData();
    broken.append('file', new Blob(['%PDF-1.4 nothing']), 'broken.pdf');
    const refused = await fetch(`${stack.apiUrl}/api/knowledge/documents`, { method: 'POST', headers: { authorization: `Bearer ${stack.agentToken}` }, body: broken });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error: { code: 'unreadable_document' } });

    const list = (await (await stack.api('/api/knowledge/documents')).json()) as { documents: { title: string }[] };
    expect(list.documents.map((d) => d.title).sort()).toEqual(['Gift cards', 'Parking']);
    expect((await stack.api(`/api/knowledge/documents/${document.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await stack.api(`/api/knowledge/documents/${document.id}`)).status).toBe(404);
    expect((await stack.api(`/api/knowledge/documents/${document.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('lets agents read and search, and only admins change the knowledge base', async () => {
    const { token } = await createAgent(stack.db, { tenantId: 'default', name: 'Not an admin' });
    expect((await stack.api('/api/knowledge/documents', { token })).status).toBe(200);
    expect((await stack.api('/api/knowledge/search?q=hours', { token })).status).toBe(200);
    expect((await stack.api('/api/knowledge/documents', { token, method: 'POST', body: JSON.stringify({ title: 'x', content: 'y' }) })).status).toBe(403);
    expect((await stack.api('/api/knowledge/search')).status).toBe(400);
    expect((await stack.api('/api/knowledge/documents', { method: 'POST', body: JSON.stringify({ title: 'No content' }) })).status).toBe(400);
  });

  it('ingests pages from their URLs as a run, saying why one could not be fetched', async () => {
    const site = await startHttpServer(async (req, _body, res) => {
      if (req.url === '/help/returns') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<html><head><title>Returns</title></head><body><p>Return within 30 days.</p></body></html>');
        return;
      }
      sendJson(res, 404, { error: 'not found' });
    });
    try {
      const started = await stack.api('/api/knowledge/ingests', { method: 'POST', body: JSON.stringify({ urls: [`${site.url}/help/returns`, `${site.url}/help/gone`] }) });
      expect(started.status).toBe(202);
      const { id } = (await started.json()) as IngestProgress;
      let progress: IngestProgress | undefined;
      await expect
        .poll(
          async () => {
            progress = (await (await stack.api(`/api/knowledge/ingests/${id}`)).json()) as IngestProgress;
            return progress.status;
          },
          { timeout: 30_000 },
        )
        .toBe('done');
      expect(progress).toMatchObject({ total: 2, done: 2, added: 1, failed: 1, failures: [{ source: `${site.url}/help/gone`, reason: 'the server answered 404' }] });
      await keepHistory('knowledge-ingest', stack.temporal.workflow.getHandle(knowledgeIngestWorkflowId(id)));
      const returns = await stack.db.selectFrom('knowledge_documents').select(['title', 'url', 'kind']).where('source', '=', `${site.url}/help/returns`).executeTakeFirst();
      expect(returns).toEqual({ title: 'Returns', url: `${site.url}/help/returns`, kind: 'html' });
    } finally {
      await site.close();
    }
  });
});

describe('knowledge gaps', () => {
  /** A customer's question the assistant answers without any passage (the fake model echoes it, citing nothing). */
  async function unanswered(from: string, body: string): Promise<void> {
    const before = stack.twilio.sent.length;
    await stack.postSms(smsParams({ from, body }));
    await stack.twilio.waitForSent(before + 1);
    await stack.settled(from);
  }

  it('groups the questions the knowledge base did not answer by meaning, most asked first, with an agent answer as the draft', async () => {
    const moon = uniquePhone();
    await unanswered(moon, 'Do you ship to the moon?');
    await unanswered(uniquePhone(), 'do you ship things to the moon??');
    await unanswered(uniquePhone(), 'Can you ship to the Moon');
    await unanswered(uniquePhone(), 'Is there a kids menu?');
    await unanswered(uniquePhone(), 'is there a menu for kids?');
    await unanswered(uniquePhone(), 'thanks, bye');
    // One customer went to a person, who answered.
    const asker = uniquePhone();
    stack.openai.script({ toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'asks about moon shipping' } }] });
    await unanswered(asker, 'do you deliver to the moon?');
    const task = await stack.db.selectFrom('handoff_tasks').select('id').where('reason', '=', 'asks about moon shipping').executeTakeFirstOrThrow();
    expect((await stack.api(`/api/handoffs/${task.id}/claim`, { method: 'POST', body: '{}' })).status).toBe(200);
    expect((await stack.api(`/api/handoffs/${task.id}/reply`, { method: 'POST', body: JSON.stringify({ body: 'We only deliver within Canada.' }) })).status).toBe(201);

    const { gaps } = (await (await stack.api('/api/knowledge/gaps?days=7')).json()) as { gaps: { question: string; count: number; examples: string[]; handoffs: number; draft: string | null }[] };
    expect(gaps.map((g) => [g.question, g.count])).toEqual([
      ['Do you ship to the moon?', 4],
      ['Is there a kids menu?', 2],
    ]);
    expect(gaps[0]).toMatchObject({ handoffs: 1, draft: 'We only deliver within Canada.' });
    expect(gaps[0]?.examples).toEqual(['do you deliver to the moon?', 'Can you ship to the Moon', 'do you ship things to the moon??', 'Do you ship to the moon?']);
  });
});
