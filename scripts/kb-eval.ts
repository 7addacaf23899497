import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { createEmbedder } from '../activities/knowledge/embeddings';
import { findPassages } from '../activities/knowledge/find-passages';
import type { Config } from '../config';
import { searchKnowledge, type KnowledgeHit } from '../db/repositories/knowledge-search';
import type { Database } from '../db/schema';
import { projectRoot } from '../devkit/python-tools';

/** The repo's own set: questions over the demo documents (devkit/demo-knowledge). */
export const defaultEvalSet = join(projectRoot, 'devkit', 'knowledge-eval.json');

const evalSet = z
  .array(z.object({ question: z.string().min(1), answers: z.array(z.string().min(1)), kind: z.string().optional() }).loose())
  .min(1);
export type EvalQuestion = z.infer<typeof evalSet>[number];

export interface EvalScores {
  /** Answerable questions whose document is among the first five passages. */
  recallAt5: number;
  /** Mean of 1 / the rank of the first passage from a right document (0 when none of the five is). */
  mrr: number;
  /** Answerable questions whose first sure passage (what a reply cites) is from a right document. */
  answeredRate: number;
  /** Questions nothing answers that still got a sure passage: a reply would have cited sources. */
  falseAnswerRate: number;
  answerable: number;
  unanswerable: number;
  falseAnswers: number;
  /** The same figures for each kind of question (plain, paraphrase, typo, ...). */
  byKind: Record<string, { questions: number; recallAt5: number | null; falseAnswerRate: number | null }>;
  misses: { question: string; expected: string[]; found: string[] }[];
}

/** Whether a passage's source is one of the answers: the same key, or a key ending with it (`…/delivery.md`). */
export function answersWith(source: string, answers: readonly string[]): boolean {
  return answers.some((answer) => source === answer || source.endsWith(`/${answer}`));
}

export function readEvalSet(file: string): EvalQuestion[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  const parsed = evalSet.safeParse(raw);
  if (!parsed.success) throw new Error(`${file}: not a set of [{ question, answers: [source keys] }]: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

/** Scores one way of searching over a set. */
export async function score(questions: readonly EvalQuestion[], search: (question: string) => Promise<KnowledgeHit[]>): Promise<EvalScores> {
  let found5 = 0;
  let answered = 0;
  let reciprocal = 0;
  let falseAnswers = 0;
  const kinds = new Map<string, { questions: number; answerable: number; found: number; unanswerable: number; falseAnswers: number }>();
  const misses: EvalScores['misses'] = [];
  for (const q of questions) {
    const hits = await search(q.question);
    const kind = kinds.get(q.kind ?? 'all') ?? { questions: 0, answerable: 0, found: 0, unanswerable: 0, falseAnswers: 0 };
    kinds.set(q.kind ?? 'all', kind);
    kind.questions += 1;
    if (q.answers.length === 0) {
      kind.unanswerable += 1;
      if (hits.some((hit) => hit.sure)) {
        falseAnswers += 1;
        kind.falseAnswers += 1;
      }
      continue;
    }
    kind.answerable += 1;
    const cited = hits.find((hit) => hit.sure);
    if (cited && answersWith(cited.source, q.answers)) answered += 1;
    const rank = hits.slice(0, 5).findIndex((hit) => answersWith(hit.source, q.answers));
    if (rank >= 0) {
      found5 += 1;
      kind.found += 1;
      reciprocal += 1 / (rank + 1);
    } else {
      misses.push({ question: q.question, expected: q.answers, found: hits.slice(0, 5).map((h) => h.source) });
    }
  }
  const answerable = questions.filter((q) => q.answers.length > 0).length;
  const unanswerable = questions.length - answerable;
  return {
    recallAt5: answerable ? found5 / answerable : 0,
    mrr: answerable ? reciprocal / answerable : 0,
    answeredRate: answerable ? answered / answerable : 0,
    falseAnswerRate: unanswerable ? falseAnswers / unanswerable : 0,
    answerable,
    unanswerable,
    falseAnswers,
    byKind: Object.fromEntries(
      [...kinds].map(([name, k]) => [
        name,
        { questions: k.questions, recallAt5: k.answerable ? k.found / k.answerable : null, falseAnswerRate: k.unanswerable ? k.falseAnswers / k.unanswerable : null },
      ]),
    ),
    misses,
  };
}

const percent = (x: number | null) => (x === null ? '   -  ' : `${(x * 100).toFixed(1).padStart(5)} %`);

/** The scores side by side, as the terminal and the README show them. */
export function scoresTable(results: { name: string; scores: EvalScores }[]): string {
  const width = Math.max(22, ...results.map((r) => r.name.length + 1));
  const lines = [`${'search'.padEnd(width)} recall@5   MRR    answered  false answers`];
  for (const { name, scores } of results) {
    lines.push(
      `${name.padEnd(width)} ${percent(scores.recallAt5)}  ${scores.mrr.toFixed(3)}  ${percent(scores.answeredRate)}  ${percent(scores.falseAnswerRate)} (${scores.falseAnswers}/${scores.unanswerable})`,
    );
  }
  const kinds = [...new Set(results.flatMap((r) => Object.keys(r.scores.byKind)))];
  if (kinds.length > 1) {
    lines.push('', `${'by kind (recall@5)'.padEnd(width)}${results.map((r) => r.name.split(' ')[0]?.padStart(18)).join('')}`);
    for (const kind of kinds) {
      const cells = results.map((r) => {
        const k = r.scores.byKind[kind];
        return (k ? (k.recallAt5 !== null ? percent(k.recallAt5) : `${percent(k.falseAnswerRate)} false`) : '-').padStart(18);
      });
      lines.push(`${`${kind} (${results[0]?.scores.byKind[kind]?.questions ?? 0})`.padEnd(width)}${cells.join('')}`);
    }
  }
  return lines.join('\n');
}

/**
 * `npm run kb -- eval`: scores the tenant's knowledge base on a set (the repo's by default), by full text alone and,
 * when an embeddings endpoint is configured, hybrid.
 */
export async function runEval(db: Kysely<Database>, config: Config, options: { tenantId: string; setFile?: string; json: boolean }): Promise<void> {
  const file = options.setFile ?? defaultEvalSet;
  const questions = readEvalSet(file);
  const documents = await db.selectFrom('knowledge_documents').select((eb) => eb.fn.countAll<string>().as('n')).where('tenant_id', '=', options.tenantId).executeTakeFirstOrThrow();
  if (Number(documents.n) === 0) throw new Error(`tenant ${options.tenantId} has no documents: ingest them first (npm run kb -- ingest devkit/demo-knowledge for the repo's set)`);
  const results = [{ name: 'full text', scores: await score(questions, (q) => searchKnowledge(db, options.tenantId, q, { limit: 5 })) }];
  const embedder = createEmbedder(config);
  if (embedder) {
    results.push({ name: `hybrid (${embedder.model})`, scores: await score(questions, (q) => findPassages(db, embedder, options.tenantId, q, 5)) });
  }
  if (options.json) {
    console.log(JSON.stringify({ set: file, questions: questions.length, results }, null, 2));
    return;
  }
  const answerable = questions.filter((q) => q.answers.length > 0).length;
  console.log(`Set: ${file} (${questions.length} questions: ${answerable} answerable, ${questions.length - answerable} with no answer)`);
  console.log(scoresTable(results));
  if (!embedder) console.log('\nHybrid: no embeddings endpoint is configured (EMBEDDINGS_MODEL); npm start runs an offline one.');
}
