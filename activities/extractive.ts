import type { Kysely } from 'kysely';
import type { GenerateReplyResult } from './llm';
import { searchKnowledge } from '../db/repositories/knowledge';
import type { Database, Message } from '../db/schema';

const maxReplyChars = 700;

/**
 * The responder used without an LLM: answers the customer's latest messages with the best knowledge-base passage,
 * and hands off when nothing matches rather than guessing.
 */
export async function extractiveReply(
  db: Kysely<Database>,
  tenantId: string,
  newestFirst: Message[],
): Promise<GenerateReplyResult> {
  const unanswered: string[] = [];
  for (const message of newestFirst) {
    if (message.direction === 'outbound') break;
    if (message.direction === 'inbound') unanswered.push(message.body);
  }
  const [best] = await searchKnowledge(db, tenantId, unanswered.reverse().join(' '), 1);
  if (!best) {
    return { kind: 'handoff', reason: 'no knowledge-base passage matches the question', notice: 'noAnswer' };
  }
  const passage = best.content.startsWith(best.title) ? best.content.slice(best.title.length).trim() : best.content;
  return { kind: 'text', text: trimToSentence(passage, maxReplyChars) };
}

function trimToSentence(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('! '), cut.lastIndexOf('? '));
  return end > limit / 2 ? cut.slice(0, end + 1) : `${cut.slice(0, cut.lastIndexOf(' '))}…`;
}
