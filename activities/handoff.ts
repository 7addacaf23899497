import { CompleteAsyncError, Context } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { publishEvent } from '../db/events';
import { updateHandoffTask, insertHandoffTask } from '../db/repositories/handoffs';
import { insertMessageOnce } from '../db/repositories/messages';
import type { HandoffStatus } from '../db/schema';

export interface HandoffRef {
  taskId: string;
  tenantId: string;
  conversationId: string;
}

/** What an agent's resolution hands back to the conversation (the result of `awaitHandoff`). */
export interface HandoffResolution {
  agentId: string;
  note: string | null;
  /** `return_to_ai`: the AI answers again. `close`: the conversation's run ends; the next message starts afresh. */
  action: 'return_to_ai' | 'close';
}

export function handoffActivities({ db }: ActivityDeps) {
  return {
    /**
     * Opens the handoff task and waits for a person: the task row keeps this activity's task token, and the API
     * completes the activity with the agent's resolution. Idempotent (the task id comes from the workflow).
     */
    async awaitHandoff(input: HandoffRef & { reason: string; deadline: string }): Promise<HandoffResolution> {
      const taskToken = Buffer.from(Context.current().info.taskToken).toString('base64');
      await insertHandoffTask(db, { ...input, id: input.taskId, taskToken, deadline: new Date(input.deadline) });
      await publishEvent(db, { type: 'handoff', ...input, status: 'open' });
      throw new CompleteAsyncError();
    },

    /** Moves a task along (claimed, escalated, resolved, expired) and tells the agents. Safe to repeat. */
    async updateHandoff(
      input: HandoffRef & { status: HandoffStatus; claimedBy?: string; note?: string | null },
    ): Promise<void> {
      await updateHandoffTask(db, input.taskId, {
        status: input.status,
        claimedBy: input.claimedBy,
        note: input.note,
        escalatedAt: input.status === 'escalated' ? new Date() : undefined,
      });
      if (input.note) {
        // The note joins the conversation as an internal message, so the AI's next turns see it.
        await insertMessageOnce(db, {
          id: `note:${input.taskId}`,
          conversation_id: input.conversationId,
          tenant_id: input.tenantId,
          direction: 'internal',
          author: 'agent',
          channel: 'note',
          from_address: input.claimedBy ?? 'agent',
          to_address: '',
          body: input.note,
          status: 'note',
        });
      }
      await publishEvent(db, { type: 'handoff', ...input, status: input.status });
    },
  };
}
