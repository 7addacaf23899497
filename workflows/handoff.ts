import { ApplicationFailure, condition, setHandler, uuid4 } from '@temporalio/workflow';
import type { HandoffResolution } from '../activities/handoff';
import { awaitHandoff, updateHandoff } from './activity-proxies';
import {
  agentReplyUpdate,
  claimHandoffUpdate,
  handoffClaimedError,
  requestHandoffSignal,
  type AgentAction,
  type ConversationMode,
  type HandoffSnapshot,
} from './definitions';

export const holdingReply = 'Thanks for waiting. Our team is busy right now; someone will reply here as soon as possible.';

interface OpenHandoff {
  taskId: string;
  reason: string;
  claimedBy: string | null;
  escalated: boolean;
  /** Set when the wait ends: an agent's resolution, or 'expired' when nobody resolved it in time. */
  outcome: HandoffResolution | 'expired' | null;
}

/** What the conversation lends its handoff: identity, timing, and its ways of speaking and switching modes. */
export interface HandoffHost {
  tenantId: string;
  conversationId: string;
  timeoutMs: number;
  canReply(): boolean;
  deliver(content: { text: string; author: 'agent' | 'system' }): Promise<string | null>;
  setMode(mode: ConversationMode): void;
}

/**
 * A conversation's handoff to people: the operator's request, the agents' claim and replies (workflow updates whose
 * validators reject anything but the holder of the open task), escalation when nobody claims it in time, and the
 * wait for the resolution, which an agent delivers by completing the `awaitHandoff` activity.
 */
export class Handoff {
  current: OpenHandoff | null = null;
  /** An operator's request, waiting for the conversation's loop to act on it. */
  requested: string | null = null;

  constructor(private readonly host: HandoffHost) {
    setHandler(requestHandoffSignal, ({ reason }) => {
      if (!this.current) this.requested = reason;
    });
    setHandler(
      claimHandoffUpdate,
      async (action) => {
        const open = this.openFor(action);
        open.claimedBy = action.agentId;
        await updateHandoff({ ...this.ref(open), status: 'claimed', claimedBy: action.agentId });
      },
      {
        validator: (action) => {
          const open = this.openFor(action);
          if (open.claimedBy && open.claimedBy !== action.agentId) {
            throw ApplicationFailure.nonRetryable(`handoff ${action.taskId} is held by another agent`, handoffClaimedError);
          }
        },
      },
    );
    setHandler(
      agentReplyUpdate,
      async ({ body }) => {
        const messageId = await host.deliver({ text: body, author: 'agent' });
        if (!messageId) throw ApplicationFailure.nonRetryable('the reply could not be sent', 'SendFailed');
        return { messageId };
      },
      {
        validator: (action) => {
          const open = this.openFor(action);
          if (open.claimedBy !== action.agentId) {
            throw ApplicationFailure.nonRetryable(`claim handoff ${action.taskId} before replying`, handoffClaimedError);
          }
          if (!action.body.trim()) throw ApplicationFailure.nonRetryable('the reply is empty', 'EmptyReply');
          if (!host.canReply()) throw ApplicationFailure.nonRetryable('the customer has no address yet', 'NoAddress');
        },
      },
    );
  }

  snapshot(): HandoffSnapshot | null {
    const open = this.current;
    return open && { taskId: open.taskId, reason: open.reason, claimedBy: open.claimedBy, escalated: open.escalated };
  }

  /** Starts waiting for a person; the AI stays silent until the task is resolved or expires. */
  open(reason: string): void {
    const open: OpenHandoff = { taskId: uuid4(), reason, claimedBy: null, escalated: false, outcome: null };
    this.current = open;
    this.requested = null;
    this.host.setMode('handoff');
    const deadline = new Date(Date.now() + this.host.timeoutMs).toISOString();
    void awaitHandoff({ ...this.ref(open), reason, deadline }).then(
      (resolution) => (open.outcome = resolution),
      () => (open.outcome = 'expired'),
    );
  }

  /** Runs the open handoff to its end: escalate if nobody claims it in time, then hand back to the AI. */
  async run(): Promise<HandoffResolution | 'expired'> {
    const open = this.current;
    if (!open) throw new Error('no open handoff');
    const claimed = await condition(() => open.claimedBy !== null || open.outcome !== null, this.host.timeoutMs);
    if (!claimed) {
      open.escalated = true;
      await this.host.deliver({ text: holdingReply, author: 'system' });
      await updateHandoff({ ...this.ref(open), status: 'escalated' });
    }
    await condition(() => open.outcome !== null);
    const outcome = open.outcome ?? 'expired';
    if (outcome === 'expired') await updateHandoff({ ...this.ref(open), status: 'expired' });
    else await updateHandoff({ ...this.ref(open), status: 'resolved', claimedBy: outcome.agentId, note: outcome.note });
    this.current = null;
    this.host.setMode('ai');
    return outcome;
  }

  private ref(open: OpenHandoff) {
    return { taskId: open.taskId, tenantId: this.host.tenantId, conversationId: this.host.conversationId };
  }

  /** Checks that `action` names the open handoff; rejected updates never reach history. */
  private openFor(action: AgentAction): OpenHandoff {
    const open = this.current;
    if (!open || open.taskId !== action.taskId || open.outcome) {
      throw ApplicationFailure.nonRetryable(`handoff ${action.taskId} is not open`, 'HandoffNotOpen');
    }
    return open;
  }
}
