import type { Kysely } from 'kysely';
import type { GenerateReplyResult } from './llm';
import { documentTitles } from '../db/repositories/knowledge';
import { findPassages } from './knowledge/find-passages';
import type { Embedder } from './knowledge/embeddings';
import { getTenant } from '../db/repositories/tenants';
import type { Database, Message } from '../db/schema';
import type { Channel } from '../domain/channels';
import { maxButtonChars, readReplyOptions } from '../domain/reply-options';
import { smallTalkOf } from '../domain/small-talk';
import { serviceText } from '../domain/texts';

const maxReplyChars = 700;

/**
 * The responder used without an LLM. A greeting, a thank-you or a goodbye gets one back (a greeting also says what
 * the knowledge base covers). A question gets the best knowledge-base passage; one that shares only part of what was
 * asked is prefaced with the responder's doubt; when nothing matches it hands off rather than guessing. In web chat
 * the passage's page is offered as a link and the other documents that matched as quick replies (their titles,
 * which find them again).
 */
export async function extractiveReply(
  db: Kysely<Database>,
  embedder: Embedder | null,
  tenantId: string,
  newestFirst: Message[],
  channel?: Channel,
): Promise<GenerateReplyResult> {
  const unanswered: string[] = [];
  for (const message of newestFirst) {
    if (message.direction === 'outbound') break;
    if (message.direction === 'inbound') unanswered.push(message.body);
  }
  const question = unanswered.reverse().join(' ');
  const texts = () => getTenant(db, tenantId).then((tenant) => tenant?.texts);
  const smallTalk = smallTalkOf(question);
  if (smallTalk) {
    const own = await texts();
    const titles = smallTalk === 'greeting' ? await documentTitles(db, tenantId, 4) : [];
    const topics = titles.length > 0 ? ` ${serviceText('topics', own).replaceAll('{topics}', list(titles.map((t) => t.toLowerCase())))}` : '';
    return { kind: 'text', text: `${serviceText(smallTalk, own)}${topics}` };
  }
  // Searched by meaning, only a sure passage is given (a near one may be about something else); by words alone, one
  // with part of what was asked is given with the responder's doubt.
  const hits = await findPassages(db, embedder, tenantId, question, channel === 'web' ? 4 : 1);
  const best = hits[0];
  if (!best || (!best.sure && best.similarity !== null)) {
    return { kind: 'handoff', reason: 'no knowledge-base passage matches the question', notice: 'noAnswer' };
  }
  const passage = trimToSentence(best.content, maxReplyChars);
  // The responder cites the passage it answers with.
  const sources = [{ documentId: best.documentId, title: best.title, url: best.url }];
  const text = best.sure ? passage : `${serviceText('unsureAnswer', await texts()).replaceAll('{topic}', best.title.toLowerCase())} ${passage}`;
  if (channel !== 'web') return { kind: 'text', text, sources };
  const options = readReplyOptions({
    quickReplies: [...new Set(hits.filter((hit) => hit.documentId !== best.documentId).map((hit) => hit.title))],
    actions: best.url ? [{ label: best.title.length <= maxButtonChars - 7 ? `Open “${best.title}”` : 'Read more', url: best.url }] : [],
  });
  return { kind: 'text', text, sources, ...(options ? { options } : {}) };
}

/** "a, b and c". */
function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function trimToSentence(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('! '), cut.lastIndexOf('? '));
  return end > limit / 2 ? cut.slice(0, end + 1) : `${cut.slice(0, cut.lastIndexOf(' '))}…`;
}
