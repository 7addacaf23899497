import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema';
import { vectorText, wordsOf } from './knowledge';

export interface KnowledgeHit {
  documentId: string;
  /** The document's key: its path, URL or given name. */
  source: string;
  title: string;
  /** The page the document comes from, if it has one. */
  url: string | null;
  /** The headings the passage sits under ('Delivery > Express'). */
  section: string;
  content: string;
  /** Reciprocal rank fusion of the full-text and vector rankings. */
  score: number;
  /** How many of the question's content words the passage has (in some form), of `contentWords`. */
  matched: number;
  contentWords: number;
  /** Cosine similarity to the question, when it was searched by vector too. */
  similarity: number | null;
  /**
   * Sure it answers: near the question in meaning (`sureSimilarity`) when searched by vector; by full text alone,
   * it has most of the question's content words (two or more, or at least half). What a reply cites.
   */
  sure: boolean;
}

/** The question as a vector, and how near a passage must be to count (embedding models differ). */
export interface QueryVector {
  values: number[];
  /** Only passages embedded by the same model are compared. */
  model: string;
  /** Cosine similarity from which a passage is a candidate (shown to the model), and from which it surely answers. */
  minSimilarity: number;
  sureSimilarity: number;
}

export interface SearchOptions {
  limit?: number;
  /** Search by meaning too (hybrid); full text alone without it. */
  vector?: QueryVector | null;
}

/** Words a question may use at most, so a pasted essay stays one quick query. */
const maxQuestionWords = 32;
/** Candidates from each ranking before they are fused, and RRF's constant. */
const candidates = 20;
const rrfK = 60;

/**
 * Words that say nothing about what a question is about: English function words, and the words of any shop
 * question ("my order", "an item", "can you help"). A passage that shares only these with a question does not
 * answer it ("Where is my order?" is not answered by "free on orders over $50").
 */
const emptyWords = new Set(
  (
    'a an the and or but if so to of in on at by for with from about into over after before up down out off is are was were be been ' +
    'being am do does did done doing have has had having can could will would shall should may might must i me my mine we us our ' +
    'you your yours he she it its they them their this that these those there here what which who whom whose when where why how ' +
    'not no yes any some all each every both either more most much many very too also just only than then now still again ever ' +
    'please thanks thank hi hello hey ok okay want wanted need like get got make made know tell ask let take give go going ' +
    'order orders ordered item items product products thing things stuff something anything question questions help info ' +
    'information service company shop store someone anyone one'
  ).split(' '),
);

/** The words of a question that say what it is about (see `emptyWords`). */
function contentWordsOf(text: string): string[] {
  return [...new Set(wordsOf(text).filter((w) => w.length > 1 && !emptyWords.has(w)))];
}

/**
 * The full-text ranking. The question's words are read loosely, since customers rarely use the documents' exact
 * words: any of them may match (OR), a word of four letters or more also matches longer forms ("deliver" finds
 * "delivery", by prefix on its English stem), and a word the knowledge base does not contain is also read as the
 * knowledge-base words within one edit of it, two for words of six letters or more ("delivry", "retrun", "reciept"),
 * found among the words that share trigrams with it. Passages matching more of the content words rank first, shorter
 * ones first among equals.
 */
function textRanking(tenantId: string, words: string[], content: string[]): RawBuilder<unknown> {
  return sql`
    words(word) as (select unnest(cast(${words} as text[]))),
    terms(word, term) as (
      select word, word from words
      union
      select w.word, t.term
      from words w
      join knowledge_terms t on t.tenant_id = ${tenantId}
        and length(w.word) >= 4
        and t.term % w.word
        and abs(length(t.term) - length(w.word)) <= 2
        and knowledge_edit_distance(t.term, w.word) <= case when length(w.word) >= 6 then 2 else 1 end
    ),
    -- Each content word with the forms it is read as: a passage has the word when it matches one of them.
    content_queries(query) as (
      select to_tsquery('english', string_agg(case when length(term) >= 4 then term || ':*' else term end, ' | '))
      from terms
      where word = any(cast(${content} as text[]))
      group by word
    ),
    question(query) as (
      select to_tsquery('english', string_agg(case when length(term) >= 4 then term || ':*' else term end, ' | '))
      from terms
    ),
    text_matches as (
      select c.id, ts_rank(c.search, question.query, 2) as rank, length(c.content) as length,
        (select count(*) from content_queries q where c.search @@ q.query)::int as matched
      from knowledge_chunks c
      cross join question
      where c.tenant_id = ${tenantId} and c.search @@ question.query
    ),
    text_hits as (
      select id, matched, row_number() over (order by matched desc, rank desc, length) as position
      from text_matches
      order by matched desc, rank desc, length
      limit ${candidates}
    )
  `;
}

/**
 * The vector ranking, over the HNSW index of the model's dimension (`ensureVectorIndex`): passages of other models
 * are never compared.
 */
function vectorRanking(tenantId: string, vector: QueryVector): RawBuilder<unknown> {
  const dimensions = sql.raw(String(Math.trunc(vector.values.length)));
  const query = vectorText(vector.values);
  return sql`
    vector_hits as (
      select id, row_number() over (order by distance) as position
      from (
        select c.id, c.embedding::vector(${dimensions}) <=> ${query}::vector(${dimensions}) as distance
        from knowledge_chunks c
        where c.tenant_id = ${tenantId} and c.embedding_model = ${vector.model} and vector_dims(c.embedding) = ${dimensions}
        order by distance
        limit ${candidates}
      ) nearest
    )
  `;
}

/** pgvector's HNSW indexes `vector` of at most this many dimensions. */
export const maxIndexedDimensions = 2000;

/**
 * The HNSW index for one embedding dimension (made once; pgvector indexes one dimension each). Vectors longer than
 * pgvector indexes (text-embedding-3-large's 3,072) are searched without one, exactly and more slowly: ask such a
 * model for fewer dimensions (EMBEDDINGS_DIMENSIONS) to have the index.
 */
export async function ensureVectorIndex(db: Kysely<Database>, dimensions: number): Promise<void> {
  if (dimensions > maxIndexedDimensions) return;
  const n = sql.raw(String(Math.trunc(dimensions)));
  await sql`
    create index if not exists ${sql.raw(`knowledge_chunks_embedding_${Math.trunc(dimensions)}`)} on knowledge_chunks
    using hnsw ((embedding::vector(${n})) vector_cosine_ops) where vector_dims(embedding) = ${n}
  `.execute(db);
}

/**
 * Passages for a free-text question, best first: full text always, and by meaning when the question comes as a vector
 * too, the two rankings fused by reciprocal rank fusion (k = 60) in one query. Only passages that answer are
 * returned: ones sharing a content word with the question, or near it in meaning (`minSimilarity`). Each hit tells
 * how sure a caller may be that it answers.
 */
export async function searchKnowledge(db: Kysely<Database>, tenantId: string, text: string, options: SearchOptions = {}): Promise<KnowledgeHit[]> {
  const { limit = 3, vector = null } = options;
  const words = [...new Set(wordsOf(text).filter((w) => w.length > 1))].slice(0, maxQuestionWords);
  const content = contentWordsOf(words.join(' '));
  if (words.length === 0 && !vector) return [];
  const ctes = [textRanking(tenantId, words.length > 0 ? words : [''], content)];
  if (vector) ctes.push(vectorRanking(tenantId, vector));
  const fused = vector
    ? sql`
        select coalesce(t.id, v.id) as id, coalesce(t.matched, 0) as matched,
          coalesce(1.0 / (${rrfK} + t.position), 0) + coalesce(1.0 / (${rrfK} + v.position), 0) as score
        from text_hits t full join vector_hits v on v.id = t.id
      `
    : sql`select id, matched, 1.0 / (${rrfK} + position) as score from text_hits`;
  // Every candidate's nearness in meaning, the full-text ones' too: what decides whether a passage answers.
  const similarity = vector
    ? sql`case when c.embedding_model = ${vector.model} and vector_dims(c.embedding) = ${vector.values.length}
        then 1 - (c.embedding::vector(${sql.raw(String(Math.trunc(vector.values.length)))}) <=> ${vectorText(vector.values)}::vector(${sql.raw(String(Math.trunc(vector.values.length)))})) end`
    : sql`null::float8`;
  const minSimilarity = vector?.minSimilarity ?? 2;
  return db.transaction().execute(async (trx) => {
    // Trigram candidates for a misspelt word (edit distance decides); an HNSW scan that goes on past other
    // tenants' passages until it has enough of this one's.
    await sql`select set_config('pg_trgm.similarity_threshold', '0.2', true), set_config('hnsw.iterative_scan', 'relaxed_order', true)`.execute(trx);
    const rows = await sql<{ document_id: string; source: string; title: string; url: string | null; section: string; content: string; score: number; matched: number; similarity: number | null }>`
      with ${sql.join(ctes)},
      fused as (${fused}),
      candidates as (
        select f.*, ${similarity} as similarity
        from fused f
        join knowledge_chunks c on c.id = f.id
      )
      select c.document_id, d.source, d.title, d.url, c.section, c.content, f.score, f.matched, f.similarity
      from candidates f
      join knowledge_chunks c on c.id = f.id
      join knowledge_documents d on d.id = c.document_id
      where f.matched > 0 or f.similarity >= ${minSimilarity}
      order by f.score desc, length(c.content)
      limit ${limit}
    `.execute(trx);
    return rows.rows.map((r) => {
      const matched = Number(r.matched);
      const similarity = r.similarity === null ? null : Number(r.similarity);
      return {
        documentId: r.document_id,
        source: r.source,
        title: r.title,
        url: r.url,
        section: r.section,
        content: r.content,
        score: Number(r.score),
        matched,
        contentWords: content.length,
        similarity,
        sure: vector ? similarity !== null && similarity >= vector.sureSimilarity : matched > 0 && (matched >= 2 || matched * 2 >= content.length),
      };
    });
  });
}
