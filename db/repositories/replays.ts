import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

export async function createReplay(
  db: Kysely<Database>,
  replay: { tenantId: string; variant: unknown; fromDate: string; toDate: string; judgeModel: string | null; conversationIds: string[] },
): Promise<string> {
  const { id } = await db
    .insertInto('replays')
    .values({
      tenant_id: replay.tenantId,
      variant: JSON.stringify(replay.variant),
      from_date: replay.fromDate,
      to_date: replay.toDate,
      judge_model: replay.judgeModel,
      conversation_ids: replay.conversationIds,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function getReplay(db: Kysely<Database>, tenantId: string, id: string) {
  return db.selectFrom('replays').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export async function listReplays(db: Kysely<Database>, tenantId: string, limit: number) {
  return db
    .selectFrom('replays')
    .select(['id', 'status', 'from_date', 'to_date', 'judge_model', 'done', 'created_at', 'finished_at', (eb) => eb.fn('cardinality', ['conversation_ids']).as('total')])
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}

export async function replayTurns(db: Kysely<Database>, replayId: string) {
  return db.selectFrom('replay_turns').selectAll().where('replay_id', '=', replayId).orderBy('asked_at').orderBy('conversation_id').orderBy('position').execute();
}

/** A conversation's turns, replacing any an earlier attempt wrote, and the run's count of conversations done. */
export async function saveReplayedConversation(
  db: Kysely<Database>,
  replayId: string,
  conversationId: string,
  turns: { position: number; askedAt: Date; question: string; recorded: unknown; variant: unknown; changed: boolean; verdict: string | null; verdictReason: string | null }[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom('replay_turns').where('replay_id', '=', replayId).where('conversation_id', '=', conversationId).executeTakeFirst();
    const again = Number(removed.numDeletedRows) > 0;
    if (turns.length > 0) {
      await trx
        .insertInto('replay_turns')
        .values(
          turns.map((t) => ({
            replay_id: replayId,
            conversation_id: conversationId,
            position: t.position,
            asked_at: t.askedAt,
            question: t.question,
            recorded: JSON.stringify(t.recorded),
            variant: JSON.stringify(t.variant),
            changed: t.changed,
            verdict: t.verdict,
            verdict_reason: t.verdictReason,
          })),
        )
        .execute();
    }
    // A conversation with turns counted once, whatever was retried; one without turns never had rows to find.
    if (!again) await trx.updateTable('replays').set({ done: sql`done + 1` }).where('id', '=', replayId).execute();
  });
}

export async function finishReplay(db: Kysely<Database>, replayId: string, error?: string): Promise<void> {
  await db
    .updateTable('replays')
    .set({ status: error ? 'failed' : 'done', error: error ?? null, finished_at: sql`now()` })
    .where('id', '=', replayId)
    .where('status', '=', 'running')
    .execute();
}
