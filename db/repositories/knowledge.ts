import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

export interface KnowledgeHit {
  documentId: string;
  title: string;
  /** The page the document comes from, if it has one. */
  url: string | null;
  content: string;
  rank: number;
  /** How many of the question's content words the passage has (in some form), of `contentWords`. */
  matched: number;
  contentWords: number;
}

const chunkChars = 800;

/** Splits on paragraphs, then packs them into passages of about `chunkChars` characters. */
export function chunkText(body: string): string[] {
  const paragraphs = body
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
  const chunks: string[] = [];
  let current = '';
  for (const paragraph of paragraphs) {
    if (current && current.length + paragraph.length + 1 > chunkChars) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current} ${paragraph}` : paragraph;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** The words of a text, lower case: what a question is made of and what the typo matcher knows. */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export async function addDocument(
  db: Kysely<Database>,
  document: { tenantId: string; title: string; body: string; url?: string | null },
): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('knowledge_documents')
      .values({ tenant_id: document.tenantId, title: document.title, body: document.body, url: document.url ?? null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const chunks = chunkText(`${document.title}\n\n${document.body}`);
    await trx
      .insertInto('knowledge_chunks')
      .values(chunks.map((content, position) => ({ document_id: id, tenant_id: document.tenantId, position, content })))
      .execute();
    const terms = [...new Set(wordsOf(`${document.title} ${document.body}`).filter((w) => w.length >= 3))];
    if (terms.length > 0) {
      await trx
        .insertInto('knowledge_terms')
        .values(terms.map((term) => ({ tenant_id: document.tenantId, term })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    return id;
  });
}

/** The titles of a tenant's first documents (what its knowledge base covers), oldest first. */
export async function documentTitles(db: Kysely<Database>, tenantId: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('knowledge_documents').select('title').where('tenant_id', '=', tenantId).orderBy('created_at').limit(limit).execute();
  return rows.map((r) => r.title);
}

/** Words a question may use at most, so a pasted essay stays one quick query. */
const maxQuestionWords = 32;

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
 * Passages for a free-text question, best first. The question's words are read loosely, since customers rarely use
 * the documents' exact words: any of them may match (OR), a word of four letters or more also matches longer forms
 * ("deliver" finds "delivery", by prefix on its English stem), and a word the knowledge base does not contain is
 * also read as the knowledge-base words within one edit of it, two for words of six letters or more ("delivry",
 * "retrun", "reciept"). Ranking prefers passages matching more of the words, and shorter ones among equals. Each hit
 * tells how many of the question's content words it has: how sure a caller may be that it answers.
 */
export async function searchKnowledge(
  db: Kysely<Database>,
  tenantId: string,
  text: string,
  limit = 3,
): Promise<KnowledgeHit[]> {
  const words = [...new Set(wordsOf(text).filter((w) => w.length > 1))].slice(0, maxQuestionWords);
  if (words.length === 0) return [];
  const content = contentWordsOf(words.join(' '));
  const rows = await sql<{ document_id: string; title: string; url: string | null; content: string; rank: number; matched: number }>`
    with words(word) as (select unnest(cast(${words} as text[]))),
    terms(word, term) as (
      select word, word from words
      union
      select w.word, t.term
      from words w
      join knowledge_terms t on t.tenant_id = ${tenantId}
        and length(w.word) >= 4
        and abs(length(t.term) - length(w.word)) <= 2
        and levenshtein_less_equal(t.term, w.word, case when length(w.word) >= 6 then 2 else 1 end)
          <= case when length(w.word) >= 6 then 2 else 1 end
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
    )
    select c.document_id, d.title, d.url, c.content, ts_rank(c.search, question.query, 1) as rank,
      (select count(*) from content_queries q where c.search @@ q.query)::int as matched
    from knowledge_chunks c
    join knowledge_documents d on d.id = c.document_id
    cross join question
    where c.tenant_id = ${tenantId} and c.search @@ question.query
    order by matched desc, rank desc, length(c.content)
    limit ${limit}
  `.execute(db);
  return rows.rows.map((r) => ({
    documentId: r.document_id,
    title: r.title,
    url: r.url,
    content: r.content,
    rank: Number(r.rank),
    matched: Number(r.matched),
    contentWords: content.length,
  }));
}
