import type { Kysely } from 'kysely';
import { wordsOf } from '../../db/repositories/knowledge';
import { unansweredQuestions } from '../../db/repositories/knowledge-gaps';
import type { Database } from '../../db/schema';
import { asksAFact } from '../../domain/citations';
import type { KnowledgeGap } from '../../domain/knowledge-gaps';
import type { Embedder } from './embeddings';

/** The questions looked at, at most: the newest. */
const maxQuestions = 500;

/**
 * Groups by meaning: with an embeddings endpoint, questions as near as the endpoint's "sure" similarity are one
 * group (paraphrases, other word orders, other languages); without one, questions sharing most of their content
 * words are. Each question joins the group whose first question it is nearest, if near enough.
 */
export async function groupsOf<Q extends { question: string }>(questions: readonly Q[], embedder: Embedder | null): Promise<Q[][]> {
  const groups: { lead: number[] | Set<string>; members: Q[] }[] = [];
  const vectors = embedder ? await embedder.embed(questions.map((q) => q.question), 'query') : null;
  for (const [i, question] of questions.entries()) {
    const vector = vectors?.[i];
    const words = new Set(wordsOf(question.question).filter((w) => w.length > 2));
    const nearness = (g: (typeof groups)[number]) => (vector && Array.isArray(g.lead) ? cosine(vector, g.lead) : g.lead instanceof Set ? jaccard(words, g.lead) : 0);
    const threshold = vector ? (embedder?.sureSimilarity ?? 1) : 0.5;
    const near = groups.map((g) => ({ g, near: nearness(g) })).filter((c) => c.near >= threshold).sort((a, b) => b.near - a.near)[0]?.g;
    if (near) near.members.push(question);
    else groups.push({ lead: vector ?? words, members: [question] });
  }
  return groups.map((g) => g.members);
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    na += (a[i] ?? 0) ** 2;
    nb += (b[i] ?? 0) ** 2;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  const shared = [...a].filter((w) => b.has(w)).length;
  return a.size + b.size - shared === 0 ? 0 : shared / (a.size + b.size - shared);
}

/**
 * The knowledge base's gaps since `since`: the questions of fact it did not answer (handed over, or answered with
 * no passage), grouped by meaning, most asked first.
 */
export async function knowledgeGaps(db: Kysely<Database>, embedder: Embedder | null, tenantId: string, since: Date, limit: number): Promise<KnowledgeGap[]> {
  const questions = (await unansweredQuestions(db, tenantId, since, maxQuestions)).filter((q) => asksAFact(q.question));
  // Oldest first, so each group is named by the first way it was asked.
  const groups = await groupsOf([...questions].reverse(), embedder);
  return groups
    .map((members) => {
      const newest = [...members].reverse();
      return {
        question: members[0]?.question ?? '',
        count: members.length,
        examples: [...new Set(newest.map((m) => m.question))].slice(0, 5),
        lastAskedAt: newest[0]?.askedAt.toISOString() ?? '',
        handoffs: members.filter((m) => m.reason === 'handoff').length,
        unsourced: members.filter((m) => m.reason === 'no_source').length,
        draft: newest.find((m) => m.agentReply)?.agentReply ?? null,
        conversationIds: [...new Set(newest.map((m) => m.conversationId))],
      };
    })
    .sort((a, b) => b.count - a.count || b.lastAskedAt.localeCompare(a.lastAskedAt))
    .slice(0, limit);
}
