import type { ActivityDeps } from './deps';
import { searchKnowledge as searchChunks } from '../db/repositories/knowledge';

export interface SearchKnowledgeInput {
  tenantId: string;
  query: string;
}

export function knowledgeActivities({ db }: ActivityDeps) {
  return {
    /** Read-only, so any number of retries is safe. Returns the passages as text for a tool message. */
    async searchKnowledge({ tenantId, query }: SearchKnowledgeInput): Promise<string> {
      const hits = await searchChunks(db, tenantId, query, 3);
      if (hits.length === 0) return 'No matching passages in the knowledge base.';
      return hits.map((hit, i) => `[${i + 1}] ${hit.title}${hit.url ? ` (${hit.url})` : ''}: ${hit.content}`).join('\n\n');
    },
  };
}
