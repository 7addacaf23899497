import type { Kysely } from 'kysely';
import type { Database, Message } from '../../db/schema';
import type { ReplySource } from '../../domain/citations';

/** One side of a replayed turn: what was answered, with its sources, model cost and time. */
export interface ReplayAnswer {
  /** The reply's text; empty when the turn went to people. */
  text: string;
  /** `handoff` when the turn went to people (with the reason), `error` when the variant failed (in words). */
  outcome: 'answered' | 'handoff' | 'error';
  reason?: string;
  sources: ReplySource[];
  /** What the turn's model calls cost, in US dollars, and how long they took. */
  costUsd: number;
  latencyMs: number;
  model: string | null;
  /** The tools the turn called, by name. */
  tools: string[];
}

/** A customer turn as recorded: the messages answered together and the reply that answered them. */
export interface RecordedTurn {
  position: number;
  /** The newest customer message of the turn (what the variant answers, with the history before it). */
  lastMessageId: string;
  askedAt: Date;
  /** From the turn's first customer message to its answer: where its model calls and tool runs lie. */
  startedAt: Date;
  answeredAt: Date;
  question: string;
  answer: ReplayAnswer;
}

/**
 * The conversation's customer turns asked within [from, to): each run of customer messages and the AI reply that
 * followed it (a turn handed to people counts, with the handoff's reason), with the model calls made between them.
 */
export async function recordedTurns(db: Kysely<Database>, conversationId: string, from: Date, to: Date): Promise<RecordedTurn[]> {
  const [messages, calls, handoffs, tools] = await Promise.all([
    db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('direction', '<>', 'internal').orderBy('created_at').orderBy('id').execute(),
    db
      .selectFrom('model_calls')
      .select(['created_at', 'cost_usd', 'latency_ms', 'model'])
      .where('conversation_id', '=', conversationId)
      .where('purpose', 'in', ['reply', 'tool_round'])
      .orderBy('created_at')
      .execute(),
    db.selectFrom('handoff_tasks').select(['created_at', 'reason']).where('conversation_id', '=', conversationId).orderBy('created_at').execute(),
    db.selectFrom('tool_runs').select(['created_at', 'tool']).where('conversation_id', '=', conversationId).orderBy('created_at').execute(),
  ]);
  const turns: RecordedTurn[] = [];
  let asked: Message[] = [];
  const close = (until: Date, reply: Message | null) => {
    const first = asked[0];
    const last = asked.at(-1);
    if (!first || !last || last.created_at < from || last.created_at >= to) return;
    const within = <T extends { created_at: Date }>(rows: T[]) => rows.filter((r) => r.created_at >= first.created_at && r.created_at <= until);
    const spent = within(calls);
    const handoff = !reply || reply.author !== 'ai' ? within(handoffs)[0] : undefined;
    turns.push({
      position: turns.length,
      lastMessageId: last.id,
      askedAt: last.created_at,
      startedAt: first.created_at,
      answeredAt: until,
      question: asked.map((m) => m.body).join('\n'),
      answer: {
        text: reply?.author === 'ai' ? reply.body : '',
        outcome: handoff ? 'handoff' : 'answered',
        ...(handoff ? { reason: handoff.reason } : {}),
        sources: reply && Array.isArray(reply.sources) ? (reply.sources as ReplySource[]) : [],
        costUsd: spent.reduce((sum, c) => sum + Number(c.cost_usd), 0),
        latencyMs: spent.reduce((sum, c) => sum + c.latency_ms, 0),
        model: reply?.model ?? spent.at(-1)?.model ?? null,
        tools: within(tools).map((t) => t.tool),
      },
    });
  };
  for (const message of messages) {
    if (message.direction === 'inbound' && message.author === 'customer') {
      asked.push(message);
      continue;
    }
    if (asked.length === 0 || message.direction !== 'outbound') continue;
    // The first thing said back answers the turn: the AI's reply, or the notice that people take over.
    close(message.created_at, message);
    asked = [];
  }
  if (asked.length > 0) close(new Date(8.64e15), null);
  return turns.filter((t) => t.answer.text || t.answer.outcome === 'handoff');
}
