import type { Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import type { ReplayVariant } from '../activities/replay/variant';
import { createReplay, finishReplay } from '../db/repositories/replays';
import type { Database } from '../db/schema';
import { localDay } from '../domain/time-zone';
import type { replayWorkflow } from '../workflows/replay';

export const replayWorkflowId = (replayId: string) => `replay-${replayId}`;

export interface ReplayRequest {
  tenantId: string;
  /** Days, inclusive, in the tenant's time zone (YYYY-MM-DD). */
  from: string;
  to: string;
  /** At most this many conversations, the most recently active first; all of them when absent. */
  conversations?: number;
  variant: ReplayVariant;
  judgeModel: string | null;
  maxToolRounds: number;
}

/**
 * Picks the conversations whose customers wrote in the days asked, keeps the replay and starts its workflow. Returns
 * its id, or null when no conversation had a customer message in those days.
 */
export async function startReplay(db: Kysely<Database>, temporal: Client, taskQueue: string, request: ReplayRequest): Promise<{ id: string; conversations: number } | null> {
  const tenant = await db.selectFrom('tenants').select('time_zone').where('id', '=', request.tenantId).executeTakeFirstOrThrow();
  const [from] = localDay(request.from, tenant.time_zone);
  const [, to] = localDay(request.to, tenant.time_zone);
  const rows = await sql<{ conversation_id: string }>`
    select conversation_id from messages
    where tenant_id = ${request.tenantId} and direction = 'inbound' and author = 'customer' and created_at >= ${from} and created_at < ${to}
    group by conversation_id
    order by max(created_at) desc
    ${request.conversations ? sql`limit ${request.conversations}` : sql``}
  `.execute(db);
  const conversationIds = rows.rows.map((r) => r.conversation_id);
  if (conversationIds.length === 0) return null;
  const id = await createReplay(db, { tenantId: request.tenantId, variant: request.variant, fromDate: request.from, toDate: request.to, judgeModel: request.judgeModel, conversationIds });
  try {
    await temporal.workflow.start<typeof replayWorkflow>('replayWorkflow', {
    workflowId: replayWorkflowId(id),
    taskQueue,
    args: [
      {
        replayId: id,
        tenantId: request.tenantId,
        conversationIds,
        variant: request.variant,
        from: from.toISOString(),
        to: to.toISOString(),
        maxToolRounds: request.maxToolRounds,
        judgeModel: request.judgeModel,
      },
    ],
    memo: { tenantId: request.tenantId, conversations: conversationIds.length },
    });
  } catch (error) {
    // A replay that never started is over, not running forever.
    await finishReplay(db, id, `not started: ${(error as Error).message}`);
    throw error;
  }
  return { id, conversations: conversationIds.length };
}
