import type { ActivityDeps } from './deps';
import { publishEvent } from '../db/events';
import { insertHandoffTask, updateHandoffTask } from '../db/repositories/handoffs';
import { insertMessageOnce } from '../db/repositories/messages';
import type { HandoffStatus } from '../db/schema';

export interface HandoffRef {
  taskId: string;
  tenantId: string;
  conversationId: string;
}

export function handoffActivities({ db }: ActivityDeps) {
  return {
    /**
     * Puts the task in the agents' queue and tells them; a takeover's is already its agent's. Idempotent: the task
     * id comes from the workflow.
     */
    async openHandoffTask(
      input: HandoffRef & { reason: string; deadline: string; channel?: string | null; claimedBy?: string; kind?: 'takeover' },
    ): Promise<void> {
      const { taskId, tenantId, conversationId } = input;
      await insertHandoffTask(db, { ...input, id: taskId, deadline: new Date(input.deadline), channel: input.channel ?? null });
      await publishEvent(db, { type: 'handoff', taskId, tenantId, conversationId, status: input.claimedBy ? 'claimed' : 'open' });
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
      await publishEvent(db, { type: 'handoff', taskId: input.taskId, tenantId: input.tenantId, conversationId: input.conversationId, status: input.status });
    },
  };
}
