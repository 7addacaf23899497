import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requireAdmin, requireAgent, type AgentEnv } from '../auth';
import type { ApiDeps } from '../deps';
import { HttpError } from '../errors';
import { agentSecurity, declaredRoutes, errorAnswers, invalidRequest, jsonAnswer, jsonSchemaOf, pathId, queryInt, queryText, text, withJsonBody } from '../openapi';
import { ingestProgressSchema, knowledgeDocumentSchema, knowledgeGapSchema, knowledgeHitSchema } from '../protocol/knowledge';
import { httpUrlField, httpUrlPattern } from '../tenant-fields';
import { withoutNul } from '../nul';
import { startIngest } from '../knowledge-runs';
import { findPassages } from '../../activities/knowledge/find-passages';
import { knowledgeGaps } from '../../activities/knowledge/gaps';
import { ingestDocument, textDocument, type SourceDocument } from '../../activities/knowledge/ingest-document';
import { kindOfPath } from '../../activities/knowledge/parse';
import { getDocument, listDocuments, removeDocument, type KnowledgeDocument } from '../../db/repositories/knowledge';
import { ingestProgress, type StagedItem } from '../../db/repositories/knowledge-ingests';

const documentBody = z
  .object({
    title: text(300),
    content: text(5_000_000),
    url: httpUrlField.nullish(),
    source: text(2000).optional().openapi({ description: 'What the document is keyed by (another with the same source replaces it); its URL, else its title.' }),
  })
  .strict();

/** The two bodies a document comes in, as the contract describes them. */
const documentJsonSchema = jsonSchemaOf(documentBody);
const documentFormSchema = {
  type: 'object' as const,
  required: ['file'],
  properties: {
    file: { type: 'string' as const, format: 'binary', description: 'Markdown, text, HTML or PDF, by its extension.' },
    title: { type: 'string' as const, maxLength: 300 },
    url: { type: 'string' as const, maxLength: 2000, pattern: httpUrlPattern.source },
  },
};

const ingestBody = z
  .object({
    urls: z.array(httpUrlField).max(1000).default([]),
    documents: z.array(documentBody).max(1000).default([]),
  })
  .strict();

const pageQuery = z.object({ limit: queryInt(1, 500, 100), offset: queryInt(0, 1_000_000, 0) }).strict();
const gapsQuery = z.object({ days: queryInt(1, 365, 30), limit: queryInt(1, 100, 10) }).strict();
const searchQuery = z.object({ q: queryText(500, { notBlank: true }).trim(), limit: queryInt(1, 20, 5) }).strict();
const uuidParam = z.object({ id: pathId(100).openapi({ param: { name: 'id', in: 'path' } }) });
const tags = ['Knowledge'];

/** A JSON body checked against `schema` (for a route that also takes other bodies), its text without NUL. */
async function parsedJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const raw: unknown = await c.req.json().catch(() => {
    throw new HttpError(400, 'invalid_body', 'a JSON body, or a multipart form with the document as `file`');
  });
  const parsed = schema.safeParse(withoutNul(raw));
  if (!parsed.success) throw invalidRequest('json', parsed.error);
  return parsed.data;
}

/** A document as the API gives it: its times as ISO strings. */
function documentView(document: KnowledgeDocument) {
  return { ...document, createdAt: document.createdAt.toISOString(), updatedAt: document.updatedAt.toISOString() };
}

/**
 * The tenant's knowledge base: its agents read the documents, search them as the assistant does and follow
 * ingestion runs; its admins add documents (one as JSON or an uploaded file, at once; many as a run) and remove them.
 */
export function knowledgeRoutes({ db, temporal, config, embedder }: ApiDeps) {
  const app = declaredRoutes<AgentEnv>();
  app.use('*', requireAgent(db));

  app.openapi(
    createRoute({ method: 'get', path: '/documents', summary: 'The knowledge base', description: 'Newest change first, a page at a time.', tags, security: agentSecurity, request: { query: pageQuery }, responses: { 200: jsonAnswer(z.object({ documents: z.array(knowledgeDocumentSchema) }), 'Documents.'), ...errorAnswers(400, 401) } }),
    async (c) => c.json({ documents: (await listDocuments(db, c.get('agent').tenant_id, c.req.valid('query'))).map(documentView) }, 200),
  );

  app.openapi(
    createRoute({ method: 'get', path: '/documents/{id}', summary: 'One document', tags, security: agentSecurity, request: { params: uuidParam }, responses: { 200: jsonAnswer(knowledgeDocumentSchema, 'The document.'), ...errorAnswers(400, 401, 404) } }),
    async (c) => {
      const { id } = c.req.valid('param');
      const document = /^[0-9a-f-]{36}$/i.test(id) ? await getDocument(db, c.get('agent').tenant_id, id) : undefined;
      if (!document) throw new HttpError(404, 'not_found', `no document ${id}`);
      return c.json(documentView(document), 200);
    },
  );

  /** One document, ingested before the answer: JSON `{ title, content, url?, source? }`, or a file uploaded as `file`. */
  app.openapi(
    createRoute({
      method: 'post',
      path: '/documents',
      summary: 'Add a document (admins)',
      description: 'Ingested before the answer: JSON, or a file (Markdown, text, HTML, PDF by its extension) uploaded as `file` with an optional `title` and `url`. A document with the same source is replaced.',
      tags,
      security: agentSecurity,
      middleware: requireAdmin,
      // Described here, checked by the handler: each kind of body by its own rules (the route's own validators would
      // check a body against both).
      request: { body: { required: true, content: { 'application/json': { schema: documentJsonSchema }, 'multipart/form-data': { schema: documentFormSchema } } } },
      responses: {
        200: jsonAnswer(z.object({ outcome: z.enum(['changed', 'unchanged']), document: knowledgeDocumentSchema }), 'It replaced a document with the same source.'),
        201: jsonAnswer(z.object({ outcome: z.literal('added'), document: knowledgeDocumentSchema }), 'Added.'),
        ...errorAnswers(400, 401, 403, 413, 415, 422),
      },
    }),
    async (c) => {
      const tenantId = c.get('agent').tenant_id;
      const type = c.req.header('content-type') ?? '';
      let document: SourceDocument;
      if (type.startsWith('multipart/form-data')) {
        const form = await c.req.formData().catch(() => {
          throw new HttpError(400, 'invalid_body', 'a multipart form with the document as `file`');
        });
        const file = form.get('file');
        const title = form.get('title') ?? undefined;
        const url = form.get('url') ?? undefined;
        if (!(file instanceof File)) throw new HttpError(400, 'invalid_body', 'file: the document, uploaded as a file');
        if (title !== undefined && (typeof title !== 'string' || title.length > 300)) throw new HttpError(400, 'invalid_body', 'title: up to 300 characters');
        if (url !== undefined && (typeof url !== 'string' || !httpUrlField.safeParse(url).success)) throw new HttpError(400, 'invalid_body', 'url: an http or https URL');
        const kind = kindOfPath(file.name);
        // A file is what the form takes; one this service cannot read is understood, and not possible.
        if (!kind) throw new HttpError(422, 'unsupported_document', `${file.name}: Markdown, text, HTML or PDF (by its extension)`);
        document = {
          tenantId,
          source: `upload:${file.name}`,
          kind,
          bytes: new Uint8Array(await file.arrayBuffer()),
          ...(title?.trim() ? { title: title.trim() } : {}),
          url: url || null,
        };
      } else if (/^application\/json\b/i.test(type)) {
        const body = await parsedJson(c, documentBody);
        document = textDocument(tenantId, { title: body.title, body: body.content, url: body.url ?? null, ...(body.source ? { source: body.source } : {}) });
      } else {
        throw new HttpError(415, 'unsupported_media_type', 'send the document as JSON, or as a file in a multipart form');
      }
      const outcome = await ingestDocument(db, embedder, document, c.req.raw.signal);
      if (outcome.outcome === 'failed') throw new HttpError(422, 'unreadable_document', `${outcome.source}: ${outcome.reason}`);
      const stored = await getDocument(db, tenantId, outcome.documentId);
      if (!stored) throw new HttpError(409, 'document_removed', `${outcome.source} was removed while it was added`);
      return outcome.outcome === 'added'
        ? c.json({ outcome: 'added' as const, document: documentView(stored) }, 201)
        : c.json({ outcome: outcome.outcome, document: documentView(stored) }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/documents/{id}', summary: 'Remove a document (admins)', tags, security: agentSecurity, middleware: requireAdmin, request: { params: uuidParam }, responses: { 204: { description: 'Removed, with its passages.' }, ...errorAnswers(400, 401, 403, 404) } }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!/^[0-9a-f-]{36}$/i.test(id) || !(await removeDocument(db, c.get('agent').tenant_id, id))) throw new HttpError(404, 'not_found', `no document ${id}`);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/search', summary: 'Search as the assistant does', tags, security: agentSecurity, request: { query: searchQuery }, responses: { 200: jsonAnswer(z.object({ hits: z.array(knowledgeHitSchema) }), 'The passages, best first.'), ...errorAnswers(400, 401) } }),
    async (c) => {
      const { q, limit } = c.req.valid('query');
      return c.json({ hits: await findPassages(db, embedder, c.get('agent').tenant_id, q, limit, c.req.raw.signal) }, 200);
    },
  );

  /** The questions the knowledge base did not answer, grouped by meaning: what to write next. */
  app.openapi(
    createRoute({
      method: 'get',
      path: '/gaps',
      summary: 'What the knowledge base did not answer',
      description: 'The questions of the last `days` answered without a passage or handed over, grouped by meaning, with the newest answer an agent gave: what to write next.',
      tags,
      security: agentSecurity,
      request: { query: gapsQuery },
      responses: { 200: jsonAnswer(z.object({ since: z.string(), gaps: z.array(knowledgeGapSchema) }), 'The gaps, biggest first.'), ...errorAnswers(400, 401) },
    }),
    async (c) => {
      const { days, limit } = c.req.valid('query');
      const since = new Date(Date.now() - days * 24 * 60 * 60 * 1000);
      return c.json({ since: since.toISOString(), gaps: await knowledgeGaps(db, embedder, c.get('agent').tenant_id, since, limit) }, 200);
    },
  );

  /** Many documents as a run (`{ urls, documents }`): answered at once with the run, followed at GET /ingests/:id. */
  app.openapi(
    createRoute({
      method: 'post',
      path: '/ingests',
      summary: 'Add many documents as a run (admins)',
      description: 'URLs to fetch and documents given: answered at once with the run (a Temporal workflow), followed at `GET /api/knowledge/ingests/{id}`.',
      tags,
      security: agentSecurity,
      ...withJsonBody(ingestBody, undefined, [requireAdmin]),
      responses: { 202: jsonAnswer(ingestProgressSchema, 'The run, started.'), ...errorAnswers(400, 401, 403, 413, 415, 422, 503) },
    }),
    async (c) => {
      const tenantId = c.get('agent').tenant_id;
      const body = c.req.valid('json');
      if (body.urls.length + body.documents.length === 0) throw new HttpError(422, 'nothing_to_ingest', 'give urls or documents to ingest');
      const items: StagedItem[] = [
        ...body.urls.map((url) => ({ source: url, kind: null, url })),
        ...body.documents.map((d) => {
          const staged = textDocument(tenantId, { title: d.title, body: d.content, url: d.url ?? null, ...(d.source ? { source: d.source } : {}) });
          return { source: staged.source, kind: staged.kind, title: d.title, url: staged.url ?? null, bytes: staged.bytes };
        }),
      ];
      const ingestId = await startIngest(db, temporal, config.TEMPORAL_TASK_QUEUE, { tenantId, items });
      const progress = await ingestProgress(db, tenantId, ingestId);
      if (!progress) throw new HttpError(503, 'ingest_unavailable', 'the run was staged and cannot be read back; retry later');
      return c.json(progress, 202, { location: `/api/knowledge/ingests/${ingestId}` });
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/ingests/{id}', summary: 'An ingestion run', tags, security: agentSecurity, request: { params: uuidParam }, responses: { 200: jsonAnswer(ingestProgressSchema, 'Its progress.'), ...errorAnswers(400, 401, 404) } }),
    async (c) => {
      const { id } = c.req.valid('param');
      const progress = /^[0-9a-f-]{36}$/i.test(id) ? await ingestProgress(db, c.get('agent').tenant_id, id) : undefined;
      if (!progress) throw new HttpError(404, 'not_found', `no ingestion run ${id}`);
      return c.json(progress, 200);
    },
  );

  return app;
}
