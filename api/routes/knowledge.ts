import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { requireAdmin, requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { invalidBody, jsonBody } from '../json-body';
import { withoutNul } from '../nul';
import { startIngest } from '../knowledge-runs';
import { findPassages } from '../../activities/knowledge/find-passages';
import { knowledgeGaps } from '../../activities/knowledge/gaps';
import { ingestDocument, textDocument, type SourceDocument } from '../../activities/knowledge/ingest-document';
import { kindOfPath } from '../../activities/knowledge/parse';
import { getDocument, listDocuments, removeDocument } from '../../db/repositories/knowledge';
import { ingestProgress, type StagedItem } from '../../db/repositories/knowledge-ingests';

const documentBody = z.object({
  title: z.string().trim().min(1).max(300),
  content: z.string().trim().min(1).max(5_000_000),
  url: z.url({ protocol: /^https?$/, error: 'an http or https URL' }).max(2000).nullish(),
  /** What the document is keyed by (another POST with the same source replaces it); its URL, else its title. */
  source: z.string().trim().min(1).max(2000).optional(),
});

const ingestBody = z
  .object({
    urls: z.array(z.url({ protocol: /^https?$/, error: 'an http or https URL' }).max(2000)).max(1000).default([]),
    documents: z.array(documentBody).max(1000).default([]),
  })
  .refine((b) => b.urls.length + b.documents.length > 0, { message: 'give urls or documents to ingest' });

const pageQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), offset: z.coerce.number().int().min(0).default(0) });
const gapsQuery = z.object({ days: z.coerce.number().int().min(1).max(365).default(30), limit: z.coerce.number().int().min(1).max(100).default(10) });
const searchQuery = z.object({ q: z.string().trim().min(1).max(500), limit: z.coerce.number().int().min(1).max(20).default(5) });

/** A JSON body checked against `schema` (for a route that also takes other bodies), its text without NUL. */
async function parsedJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const raw: unknown = await c.req.json().catch(() => {
    throw new HttpError(400, 'invalid_body', 'a JSON body, or a multipart form with the document as `file`');
  });
  const parsed = schema.safeParse(withoutNul(raw));
  if (!parsed.success) throw invalidBody(parsed.error);
  return parsed.data;
}

function query<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, 'invalid_query', `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * The tenant's knowledge base: its agents read the documents, search them as the assistant does and follow
 * ingestion runs; its admins add documents (one as JSON or an uploaded file, at once; many as a run) and remove them.
 */
export function knowledgeRoutes({ db, temporal, config, embedder }: ApiDeps) {
  const app = new Hono<AgentEnv>();
  app.use('*', requireAgent(db));

  app.get('/documents', async (c) => {
    const page = query(c, pageQuery);
    return c.json({ documents: await listDocuments(db, c.get('agent').tenant_id, page) });
  });

  app.get('/documents/:id', async (c) => {
    const id = c.req.param('id');
    const document = /^[0-9a-f-]{36}$/i.test(id) ? await getDocument(db, c.get('agent').tenant_id, id) : undefined;
    if (!document) throw new HttpError(404, 'not_found', `no document ${id}`);
    return c.json(document);
  });

  /** One document, ingested before the answer: JSON `{ title, content, url?, source? }`, or a file uploaded as `file`. */
  app.post('/documents', requireAdmin, async (c) => {
    const tenantId = c.get('agent').tenant_id;
    const type = c.req.header('content-type') ?? '';
    let document: SourceDocument;
    if (type.startsWith('multipart/form-data')) {
      const form = await c.req.formData().catch(() => {
        throw new HttpError(400, 'invalid_body', 'a multipart form with the document as `file`');
      });
      const file = form.get('file');
      if (!(file instanceof File)) throw new HttpError(400, 'invalid_body', 'file: the document, uploaded as a file');
      const kind = kindOfPath(file.name);
      if (!kind) throw new HttpError(415, 'unsupported_document', `${file.name}: Markdown, text, HTML or PDF (by its extension)`);
      const title = form.get('title');
      const url = form.get('url');
      if (typeof url === 'string' && url && !/^https?:\/\//.test(url)) throw new HttpError(400, 'invalid_body', 'url: an http or https URL');
      document = {
        tenantId,
        source: `upload:${file.name}`,
        kind,
        bytes: new Uint8Array(await file.arrayBuffer()),
        ...(typeof title === 'string' && title.trim() ? { title: title.trim() } : {}),
        url: typeof url === 'string' && url ? url : null,
      };
    } else {
      const body = await parsedJson(c, documentBody);
      document = textDocument(tenantId, { title: body.title, body: body.content, url: body.url ?? null, ...(body.source ? { source: body.source } : {}) });
    }
    const outcome = await ingestDocument(db, embedder, document, c.req.raw.signal);
    if (outcome.outcome === 'failed') throw new HttpError(422, 'unreadable_document', `${outcome.source}: ${outcome.reason}`);
    const stored = await getDocument(db, tenantId, outcome.documentId);
    return c.json({ outcome: outcome.outcome, document: stored }, outcome.outcome === 'added' ? 201 : 200);
  });

  app.delete('/documents/:id', requireAdmin, async (c) => {
    const id = c.req.param('id');
    if (!/^[0-9a-f-]{36}$/i.test(id) || !(await removeDocument(db, c.get('agent').tenant_id, id))) throw new HttpError(404, 'not_found', `no document ${id}`);
    return c.body(null, 204);
  });

  app.get('/search', async (c) => {
    const { q, limit } = query(c, searchQuery);
    const hits = await findPassages(db, embedder, c.get('agent').tenant_id, q, limit, c.req.raw.signal);
    return c.json({ hits });
  });

  /** The questions the knowledge base did not answer, grouped by meaning: what to write next. */
  app.get('/gaps', async (c) => {
    const { days, limit } = query(c, gapsQuery);
    const since = new Date(Date.now() - days * 24 * 60 * 60 * 1000);
    return c.json({ since: since.toISOString(), gaps: await knowledgeGaps(db, embedder, c.get('agent').tenant_id, since, limit) });
  });

  /** Many documents as a run (`{ urls, documents }`): answered at once with the run, followed at GET /ingests/:id. */
  app.post('/ingests', requireAdmin, jsonBody(ingestBody), async (c) => {
    const tenantId = c.get('agent').tenant_id;
    const body = c.req.valid('json');
    const items: StagedItem[] = [
      ...body.urls.map((url) => ({ source: url, kind: null, url })),
      ...body.documents.map((d) => {
        const staged = textDocument(tenantId, { title: d.title, body: d.content, url: d.url ?? null, ...(d.source ? { source: d.source } : {}) });
        return { source: staged.source, kind: staged.kind, title: d.title, url: staged.url ?? null, bytes: staged.bytes };
      }),
    ];
    const ingestId = await startIngest(db, temporal, config.TEMPORAL_TASK_QUEUE, { tenantId, items });
    return c.json(await ingestProgress(db, tenantId, ingestId), 202, { location: `/api/knowledge/ingests/${ingestId}` });
  });

  app.get('/ingests/:id', async (c) => {
    const id = c.req.param('id');
    const progress = /^[0-9a-f-]{36}$/i.test(id) ? await ingestProgress(db, c.get('agent').tenant_id, id) : undefined;
    if (!progress) throw new HttpError(404, 'not_found', `no ingestion run ${id}`);
    return c.json(progress);
  });

  return app;
}
