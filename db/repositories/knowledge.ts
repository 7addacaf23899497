import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

export interface KnowledgeHit {
  documentId: string;
  title: string;
  content: string;
  rank: number;
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

export async function addDocument(
  db: Kysely<Database>,
  document: { tenantId: string; title: string; body: string },
): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto('knowledge_documents')
      .values({ tenant_id: document.tenantId, title: document.title, body: document.body })
      .returning('id')
      .executeTakeFirstOrThrow();
    const chunks = chunkText(`${document.title}\n\n${document.body}`);
    await trx
      .insertInto('knowledge_chunks')
      .values(chunks.map((content, position) => ({ document_id: id, tenant_id: document.tenantId, position, content })))
      .execute();
    return id;
  });
}

/** Words of a free-text question joined with OR: a customer's question rarely contains every word of the answer. */
export function toOrQuery(text: string): string | null {
  const words = text
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu)
    ?.filter((w) => w.length > 1)
    .slice(0, 32);
  return words && words.length > 0 ? [...new Set(words)].join(' | ') : null;
}

export async function searchKnowledge(
  db: Kysely<Database>,
  tenantId: string,
  text: string,
  limit = 3,
): Promise<KnowledgeHit[]> {
  const query = toOrQuery(text);
  if (!query) return [];
  const tsquery = sql`to_tsquery('english', ${query})`;
  const rows = await db
    .selectFrom('knowledge_chunks as c')
    .innerJoin('knowledge_documents as d', 'd.id', 'c.document_id')
    .select(['c.document_id', 'd.title', 'c.content', sql<number>`ts_rank(c.search, ${tsquery})`.as('rank')])
    .where('c.tenant_id', '=', tenantId)
    .where(sql<boolean>`c.search @@ ${tsquery}`)
    .orderBy('rank', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ documentId: r.document_id, title: r.title, content: r.content, rank: Number(r.rank) }));
}
