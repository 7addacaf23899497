import type { Kysely } from 'kysely';
import { searchKnowledge, type KnowledgeHit } from '../../db/repositories/knowledge-search';
import type { Database } from '../../db/schema';
import type { Embedder } from './embeddings';

/**
 * The passages that answer a question: hybrid when an embeddings endpoint is configured, full text alone when it is
 * not, or when it fails (a question is still answered from what the words find).
 */
export async function findPassages(
  db: Kysely<Database>,
  embedder: Embedder | null,
  tenantId: string,
  question: string,
  limit: number,
  signal?: AbortSignal,
): Promise<KnowledgeHit[]> {
  let vector = null;
  if (embedder && question.trim()) {
    const values = await embedder.embed([question], 'query', signal).then(
      ([first]) => first ?? null,
      () => null,
    );
    if (values) vector = { values, model: embedder.model, minSimilarity: embedder.minSimilarity, sureSimilarity: embedder.sureSimilarity };
  }
  return searchKnowledge(db, tenantId, question, { limit, vector });
}

/** Passages as the model reads them, numbered so its answer can cite them (`[1]`). */
export function passagesText(hits: readonly KnowledgeHit[]): string {
  if (hits.length === 0) return 'No matching passages in the knowledge base.';
  return hits.map((hit, i) => `[${i + 1}] ${hit.title}${hit.url ? ` (${hit.url})` : ''}${hit.section && hit.section !== hit.title ? `\nSection: ${hit.section}` : ''}\n${hit.content}`).join('\n\n');
}

/**
 * What `search_knowledge` gives the model: the passages numbered for citing, with what a citation needs (the
 * document's id, title and page), and how to cite them.
 */
export function passagesResult(hits: readonly KnowledgeHit[]): Record<string, unknown> {
  if (hits.length === 0) return { passages: [], note: 'Nothing in the knowledge base answers this. Do not guess: say so, or offer a person.' };
  return {
    passages: hits.map((hit, i) => ({
      n: i + 1,
      document_id: hit.documentId,
      title: hit.title,
      url: hit.url,
      section: hit.section,
      text: hit.content,
    })),
    note: 'Cite each passage you use with its number in square brackets, like [1], right after what it supports.',
  };
}
