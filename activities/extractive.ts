import type { Kysely } from 'kysely';
import type { GenerateReplyResult } from './llm';
import { searchKnowledge } from '../db/repositories/knowledge';
import type { Database, Message } from '../db/schema';
import type { Channel } from '../domain/channels';
import { maxButtonChars, readReplyOptions } from '../domain/reply-options';

const maxReplyChars = 700;

/**
 * The responder used without an LLM: answers the customer's latest messages with the best knowledge-base passage,
 * and hands off when nothing matches rather than guessing. In web chat the passage's page is offered as a link and
 * the other documents that matched as quick replies (their titles, which find them again).
 */
export async function extractiveReply(
  db: Kysely<Database>,
  tenantId: string,
  newestFirst: Message[],
  channel?: Channel,
): Promise<GenerateReplyResult> {
  const unanswered: string[] = [];
  for (const message of newestFirst) {
    if (message.direction === 'outbound') break;
    if (message.direction === 'inbound') unanswered.push(message.body);
  }
  const hits = await searchKnowledge(db, tenantId, unanswered.reverse().join(' '), channel === 'web' ? 4 : 1);
  const best = hits[0];
  if (!best) {
    return { kind: 'handoff', reason: 'no knowledge-base passage matches the question', notice: 'noAnswer' };
  }
  const passage = best.content.startsWith(best.title) ? best.content.slice(best.title.length).trim() : best.content;
  const text = trimToSentence(passage, maxReplyChars);
  if (channel !== 'web') return { kind: 'text', text };
  const options = readReplyOptions({
    quickReplies: hits.filter((hit) => hit.documentId !== best.documentId).map((hit) => hit.title),
    actions: best.url ? [{ label: best.title.length <= maxButtonChars - 7 ? `Open “${best.title}”` : 'Read more', url: best.url }] : [],
  });
  return { kind: 'text', text, ...(options ? { options } : {}) };
}

function trimToSentence(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('! '), cut.lastIndexOf('? '));
  return end > limit / 2 ? cut.slice(0, end + 1) : `${cut.slice(0, cut.lastIndexOf(' '))}…`;
}
