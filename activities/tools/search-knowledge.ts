import { z } from 'zod';
import { defineTool } from './tool';
import { findPassages, passagesResult } from '../knowledge/find-passages';

export const searchKnowledge = defineTool({
  name: 'search_knowledge',
  description:
    "Search the company's knowledge base (opening hours, prices, policies, products). Use it before answering any " +
    'factual question about the company.',
  args: z.object({ query: z.string().trim().min(1).max(500).describe('What to look for, in a few words') }),
  kind: 'read',
  pack: 'core',
  async run({ query }, { db, embedder, tenantId, signal }) {
    return passagesResult(await findPassages(db, embedder, tenantId, query, 4, signal));
  },
});
