import type { Kysely } from 'kysely';
import type { Database } from '../schema';

/** A conversation's handoffs and takeovers, oldest first, with the name of the agent who took each. */
export async function handoffsOf(db: Kysely<Database>, conversationId: string) {
  return db
    .selectFrom('handoff_tasks as h')
    .leftJoin('agents as a', 'a.id', 'h.claimed_by')
    .select(['h.id', 'h.kind', 'h.reason', 'h.status', 'h.claimed_by', 'a.name as claimed_by_name', 'h.claimed_at', 'h.resolution_note', 'h.created_at', 'h.updated_at'])
    .where('h.conversation_id', '=', conversationId)
    .orderBy('h.created_at')
    .limit(200)
    .execute();
}

/** The tools the assistant ran in the conversation, oldest first. */
export async function toolRunsOf(db: Kysely<Database>, conversationId: string) {
  return db
    .selectFrom('tool_runs')
    .select(['tool', 'arguments', 'status', 'result', 'attempts', 'created_at', 'finished_at'])
    .where('conversation_id', '=', conversationId)
    .orderBy('created_at')
    .limit(500)
    .execute();
}

/** The approvals asked in the conversation, oldest first. */
export async function approvalsOf(db: Kysely<Database>, conversationId: string) {
  return db.selectFrom('approvals').selectAll().where('conversation_id', '=', conversationId).orderBy('created_at').limit(200).execute();
}
