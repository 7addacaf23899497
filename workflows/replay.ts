import { ActivityFailure, proxyActivities, setCurrentDetails, upsertMemo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ReplayVariant } from '../activities/replay/variant';

export interface ReplayInput {
  replayId: string;
  tenantId: string;
  conversationIds: string[];
  variant: ReplayVariant;
  /** The replayed days as instants: [from, to). */
  from: string;
  to: string;
  maxToolRounds: number;
  judgeModel: string | null;
}

const { replayConversation } = proxyActivities<Activities>({
  // A conversation's turns, each a model call or a few (and a judge's): minutes at most.
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '10 seconds',
  // Safe to repeat: it reads, calls models and replaces its own rows. A model that stays down fails the replay.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6 },
});

const { finishReplay } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});

/**
 * A replay (`npm run replay`): each conversation's customer turns re-driven against the variant, one activity per
 * conversation, outside the conversations' own workflows. A thousand conversations survive a crash: each is kept as
 * it ends, and the run goes on from the next. Progress shows in the Temporal UI (current details and memo).
 */
export async function replayWorkflow(input: ReplayInput): Promise<{ status: string }> {
  const total = input.conversationIds.length;
  const show = (done: number) => {
    setCurrentDetails(`${done} of ${total} conversations replayed`);
    upsertMemo({ progress: { done, total } });
  };
  show(0);
  try {
    for (const [index, conversationId] of input.conversationIds.entries()) {
      await replayConversation({
        replayId: input.replayId,
        tenantId: input.tenantId,
        conversationId,
        variant: input.variant,
        from: input.from,
        to: input.to,
        maxToolRounds: input.maxToolRounds,
        judgeModel: input.judgeModel,
      });
      show(index + 1);
    }
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    return finishReplay({ replayId: input.replayId, tenantId: input.tenantId, error: error.cause?.message ?? error.message });
  }
  return finishReplay({ replayId: input.replayId, tenantId: input.tenantId });
}
