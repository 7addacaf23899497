import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema';

export interface ToolRunStart {
  key: string;
  tenantId: string;
  conversationId: string;
  tool: string;
  arguments: Record<string, unknown>;
}

/**
 * Starts the run under `key`, or finds it: inside `trx`, the row is locked until the transaction ends, so a second
 * attempt racing the first waits for it and then sees its outcome. Returns the stored result when the run is done.
 */
export async function startToolRun(
  trx: Transaction<Database>,
  run: ToolRunStart,
): Promise<{ done: true; result: unknown; notifications: unknown } | { done: false }> {
  const row = await trx
    .insertInto('tool_runs')
    .values({
      key: run.key,
      tenant_id: run.tenantId,
      conversation_id: run.conversationId,
      tool: run.tool,
      arguments: JSON.stringify(run.arguments),
      status: 'running',
    })
    .onConflict((oc) => oc.column('key').doUpdateSet({ attempts: sql`tool_runs.attempts + 1` }))
    .returning(['status', 'result', 'notifications'])
    .executeTakeFirstOrThrow();
  return row.status === 'done' ? { done: true, result: row.result, notifications: row.notifications } : { done: false };
}

export async function finishToolRun(db: Kysely<Database>, key: string, result: unknown, notifications: unknown[]): Promise<void> {
  await db
    .updateTable('tool_runs')
    .set({ status: 'done', result: JSON.stringify(result), notifications: JSON.stringify(notifications), finished_at: new Date() })
    .where('key', '=', key)
    .execute();
}
