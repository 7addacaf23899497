import { z } from 'zod';
import { defineTool } from './tool';
import { searchKnowledge as searchChunks } from '../../db/repositories/knowledge';

export const searchKnowledge = defineTool({
  name: 'search_knowledge',
  description:
    "Search the company's knowledge base (opening hours, prices, policies, products). Use it before answering any " +
    'factual question about the company.',
  args: z.object({ query: z.string().trim().min(1).max(500).describe('What to look for, in a few words') }),
  kind: 'read',
  pack: 'core',
  async run({ query }, { db, tenantId }) {
    const hits = await searchChunks(db, tenantId, query, 3);
    if (hits.length === 0) return 'No matching passages in the knowledge base.';
    return hits.map((hit, i) => `[${i + 1}] ${hit.title}${hit.url ? ` (${hit.url})` : ''}: ${hit.content}`).join('\n\n');
  },
});
