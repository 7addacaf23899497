// The wire of `/api/knowledge`: the schemas its routes answer with (published in /openapi.json).
import { z } from '@hono/zod-openapi';

export const knowledgeDocumentSchema = z
  .object({
    id: z.string(),
    source: z.string().openapi({ description: "The document's key: its path, URL or given name (another with the same source replaces it)." }),
    title: z.string(),
    url: z.string().nullable(),
    kind: z.string(),
    chunks: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('KnowledgeDocument');

export const knowledgeHitSchema = z
  .object({
    documentId: z.string(),
    source: z.string(),
    title: z.string(),
    url: z.string().nullable(),
    section: z.string().openapi({ description: "The headings the passage sits under ('Delivery > Express')." }),
    content: z.string(),
    score: z.number().openapi({ description: 'Reciprocal rank fusion of the full-text and vector rankings.' }),
    matched: z.number().int(),
    contentWords: z.number().int(),
    similarity: z.number().nullable(),
    sure: z.boolean().openapi({ description: 'Sure it answers: what a reply cites.' }),
  })
  .openapi('KnowledgeHit');

export const knowledgeGapSchema = z
  .object({
    question: z.string(),
    count: z.number().int(),
    examples: z.array(z.string()),
    lastAskedAt: z.string(),
    handoffs: z.number().int(),
    unsourced: z.number().int(),
    draft: z.string().nullable(),
    conversationIds: z.array(z.string()),
  })
  .openapi('KnowledgeGap');

export const ingestProgressSchema = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    status: z.enum(['running', 'done', 'failed']),
    total: z.number().int(),
    done: z.number().int(),
    added: z.number().int(),
    changed: z.number().int(),
    unchanged: z.number().int(),
    failed: z.number().int(),
    failures: z.array(z.object({ source: z.string(), reason: z.string() })),
    pruned: z.array(z.string()),
    error: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('IngestRun');
