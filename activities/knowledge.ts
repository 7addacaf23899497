import type { ActivityDeps } from './deps';
import { findPassages, passagesText } from './knowledge/find-passages';

export interface SearchKnowledgeInput {
  tenantId: string;
  query: string;
}

export function knowledgeActivities({ db, embedder }: ActivityDeps) {
  return {
    /** Read-only, so any number of retries is safe. Returns the passages as text for a tool message. */
    async searchKnowledge({ tenantId, query }: SearchKnowledgeInput): Promise<string> {
      return passagesText(await findPassages(db, embedder, tenantId, query, 3));
    },
  };
}
