import type { ChatMessage } from '../context';
import { searchKnowledge } from '../tools/search-knowledge';
import type { NumberedPassage, ReplySource } from '../../domain/citations';
import { maxActions, maxButtonChars, readReplyOptions, type ReplyOptions } from '../../domain/reply-options';

/** The `search_knowledge` calls of a turn so far. */
function searchCalls(exchange: readonly ChatMessage[]): Set<string> {
  return new Set(
    exchange
      .flatMap((m) => (m.role === 'assistant' ? (m.tool_calls ?? []) : []))
      .filter((call) => call.function.name === searchKnowledge.name)
      .map((call) => call.id),
  );
}

/** Whether the model looked in the knowledge base this turn: it took the question for one of fact. */
export function searchedKnowledge(exchange: readonly ChatMessage[]): boolean {
  return searchCalls(exchange).size > 0;
}

/**
 * The numbered passages the turn's searches gave the model (`passagesResult`). Should two searches both number a
 * passage n, a citation of n means the later one's: the one the model read last.
 */
export function passagesGiven(exchange: readonly ChatMessage[]): NumberedPassage[] {
  const calls = searchCalls(exchange);
  const byNumber = new Map<number, NumberedPassage>();
  for (const message of exchange) {
    if (message.role !== 'tool' || !calls.has(message.tool_call_id)) continue;
    let result: unknown;
    try {
      result = JSON.parse(message.content);
    } catch {
      continue; // a result from before passages were numbered as JSON
    }
    const passages = (result as { passages?: unknown }).passages;
    for (const raw of Array.isArray(passages) ? passages : []) {
      const p = raw as { n?: unknown; document_id?: unknown; title?: unknown; url?: unknown };
      if (typeof p.n === 'number' && typeof p.document_id === 'string' && typeof p.title === 'string') {
        byNumber.set(p.n, { n: p.n, documentId: p.document_id, title: p.title, url: typeof p.url === 'string' ? p.url : null });
      }
    }
  }
  return [...byNumber.values()];
}

/** The reply's buttons with a link to each cited document that has a page (web chat), after those it asked for. */
export function withSourceLinks(options: ReplyOptions | null, sources: readonly ReplySource[]): ReplyOptions | null {
  const links = sources
    .filter((s): s is ReplySource & { url: string } => s.url !== null)
    .map((s) => ({ label: s.title.length <= maxButtonChars ? s.title : `${s.title.slice(0, maxButtonChars - 1)}…`, url: s.url }));
  if (links.length === 0) return options;
  const actions = [...(options?.actions ?? []), ...links].slice(0, maxActions);
  return readReplyOptions({ quickReplies: options?.quickReplies ?? [], actions });
}
