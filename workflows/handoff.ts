import { ApplicationFailure, condition, uuid4 } from '@temporalio/workflow';
import type { Channel } from '../domain/channels';
import type { ServiceTextKey } from '../domain/texts';
import { openHandoffTask, updateHandoff } from './activity-proxies';
import { refusal } from '../domain/failures';
import {
  type AgentAction,
  type Delivered,
  type ConversationMode,
  type HandoffResolution,
  type HandoffSnapshot,
  type OpenHandoff,
} from './definitions';

/** What the conversation lends its handoff: identity, timing, and its ways of speaking and switching modes. */
export interface HandoffHost {
  tenantId: string;
  conversationId: string;
  timeoutMs: number;
  expiryMs: number;
  canReply(): boolean;
  /** The channel of the person's newest message. */
  channel(): Channel | null;
  /** Sends to the customer; a refusal says why (an opted-out contact, an invalid number). */
  deliver(content: { text: string; author: 'agent' } | { notice: ServiceTextKey; author: 'system' }): Promise<Delivered>;
  setMode(mode: ConversationMode): void;
}

/** How a handoff run ends: resolved, expired, or paused so the conversation can continue as new. */
export type HandoffOutcome = HandoffResolution | 'expired' | 'continue';

/**
 * A conversation's handoff to people. The workflow owns the task: an operator's request opens it, agents claim,
 * reply and resolve it through workflow updates (validators refuse anyone but the holder, so a refused action never
 * reaches history), and two workflow timers make sure nobody waits forever: escalation with a holding message
 * after `timeoutMs` unclaimed, and expiry back to the AI after `expiryMs` unresolved.
 */
export class Handoff {
  current: OpenHandoff | null;
  /** An operator's request, waiting for the conversation's loop to act on it. */
  requested: string | null = null;
  private resolution: HandoffResolution | null = null;

  constructor(
    private readonly host: HandoffHost,
    carried: OpenHandoff | null,
  ) {
    this.current = carried;
  }

  snapshot(): HandoffSnapshot | null {
    const open = this.current;
    return open && { taskId: open.taskId, reason: open.reason, claimedBy: open.claimedBy, escalated: open.escalated };
  }

  request(reason: string): void {
    if (!this.current) this.requested = reason;
  }

  /**
   * Starts waiting for a person (or, taken over, with one); the AI stays silent until the task is resolved or
   * expires. One at a time: while a person has the conversation it stays theirs (`conversation.ts` checks first).
   */
  open(reason: string, takenOver?: { claimedBy: string; kind: 'takeover' }): void {
    this.current = { taskId: uuid4(), reason, claimedBy: null, escalated: false, openedAt: Date.now(), recorded: false, channel: this.host.channel(), ...takenOver };
    this.requested = null;
    this.resolution = null;
    this.host.setMode('handoff');
  }

  validateTakeOver({ agentId }: { agentId: string }): void {
    const open = this.current;
    if (this.resolution) throw ApplicationFailure.nonRetryable('the conversation is being given back; try again in a moment', refusal.handoffNotOpen);
    if (open?.claimedBy && open.claimedBy !== agentId) {
      throw ApplicationFailure.nonRetryable('another agent has this conversation', refusal.handoffClaimed);
    }
  }

  /**
   * An agent joins: an open handoff becomes theirs (as a claim does); otherwise one opens, already theirs, with no
   * word to the customer. Taking over twice is taking over once.
   */
  async takeOver({ agentId }: { agentId: string }): Promise<void> {
    const open = this.current;
    if (open) {
      if (open.claimedBy === agentId) return;
      return this.claim({ taskId: open.taskId, agentId });
    }
    this.open('An agent took the conversation over', { claimedBy: agentId, kind: 'takeover' });
    const opened = this.current as OpenHandoff | null;
    // Recorded here, not by `run`: the conversation's loop may be waiting for this very handler to finish (a run
    // summarizing before it ends, or continuing as new), and the agent's answer must not wait for the loop.
    if (opened) await this.record(opened);
  }

  /** Writes the task's row (and tells the agents); a takeover's is already its agent's. */
  private async record(open: OpenHandoff): Promise<void> {
    const deadline = new Date(open.openedAt + this.host.timeoutMs).toISOString();
    const takenOver = open.kind === 'takeover' && open.claimedBy ? { claimedBy: open.claimedBy, kind: open.kind } : {};
    await openHandoffTask({ ...this.ref(open), reason: open.reason, deadline, channel: open.channel ?? null, ...takenOver });
    open.recorded = true;
  }

  validateGiveBack({ agentId }: { agentId: string }): void {
    const open = this.current;
    if (!open || this.resolution) throw ApplicationFailure.nonRetryable('nobody has this conversation: the assistant answers it', refusal.handoffNotOpen);
    this.holderOf({ taskId: open.taskId, agentId });
  }

  /** The holder hands the conversation back to the assistant, with no note; returns once that is recorded. */
  async giveBack({ agentId }: { agentId: string }): Promise<void> {
    const open = this.holderOf({ taskId: this.current?.taskId ?? '', agentId });
    await this.resolve({ taskId: open.taskId, agentId, note: null, action: 'return_to_ai' });
  }

  validateClaim(action: AgentAction): void {
    const open = this.openFor(action);
    if (open.claimedBy && open.claimedBy !== action.agentId) {
      throw ApplicationFailure.nonRetryable(`handoff ${action.taskId} is held by another agent`, refusal.handoffClaimed);
    }
  }

  async claim(action: AgentAction): Promise<void> {
    const open = this.openFor(action);
    open.claimedBy = action.agentId;
    await condition(() => open.recorded);
    await updateHandoff({ ...this.ref(open), status: 'claimed', claimedBy: action.agentId });
  }

  validateReply(action: AgentAction & { body: string }): void {
    this.holderOf(action);
    if (!action.body.trim()) throw ApplicationFailure.nonRetryable('the reply is empty', refusal.emptyMessage);
    if (!this.host.canReply()) throw ApplicationFailure.nonRetryable('the customer has no address yet', refusal.unreachable);
  }

  async reply(action: AgentAction & { body: string }): Promise<{ messageId: string }> {
    const sent = await this.host.deliver({ text: action.body, author: 'agent' });
    if ('refused' in sent) throw ApplicationFailure.nonRetryable(sent.refused, refusal.deliveryRefused);
    return sent;
  }

  validateResolve(action: AgentAction): void {
    this.holderOf(action);
  }

  /** Hands the resolution to the running handoff and returns once it is recorded. */
  async resolve(action: AgentAction & Omit<HandoffResolution, 'agentId'>): Promise<void> {
    const open = this.holderOf(action);
    this.resolution = { agentId: action.agentId, note: action.note, action: action.action };
    await condition(() => this.current !== open);
  }

  /**
   * Runs the open handoff: records the task, escalates it if nobody claims it in time, and waits for the
   * resolution or the expiry. Returns 'continue' (the handoff still open) when `continueAsNewDue` says the history
   * should start afresh.
   */
  async run(continueAsNewDue: () => boolean): Promise<HandoffOutcome> {
    const open = this.current;
    if (!open) throw new Error('no open handoff');
    // A takeover's row is written by its own update handler.
    if (open.kind === 'takeover') await condition(() => open.recorded);
    else if (!open.recorded) await this.record(open);
    const settled = () => this.resolution !== null;
    if (!open.claimedBy && !open.escalated) {
      const moved = await condition(
        () => open.claimedBy !== null || settled() || continueAsNewDue(),
        remaining(open.openedAt + this.host.timeoutMs),
      );
      if (!moved) {
        open.escalated = true;
        await this.host.deliver({ notice: 'holding', author: 'system' });
        await updateHandoff({ ...this.ref(open), status: 'escalated' });
      }
    }
    const ended = await condition(() => settled() || continueAsNewDue(), remaining(open.openedAt + this.host.expiryMs));
    if (ended && !this.resolution) return 'continue';
    const outcome = this.resolution ?? 'expired';
    if (outcome === 'expired') await updateHandoff({ ...this.ref(open), status: 'expired' });
    else await updateHandoff({ ...this.ref(open), status: 'resolved', claimedBy: outcome.agentId, note: outcome.note });
    this.current = null;
    this.resolution = null;
    this.host.setMode('ai');
    return outcome;
  }

  private ref(open: OpenHandoff) {
    return { taskId: open.taskId, tenantId: this.host.tenantId, conversationId: this.host.conversationId };
  }

  /** Checks that `action` names the open handoff; rejected updates never reach history. */
  private openFor(action: AgentAction): OpenHandoff {
    const open = this.current;
    if (!open || open.taskId !== action.taskId || this.resolution) {
      throw ApplicationFailure.nonRetryable(`handoff ${action.taskId} is not open`, refusal.handoffNotOpen);
    }
    return open;
  }

  /** Only the agent holding the open handoff may reply or resolve. */
  private holderOf(action: AgentAction): OpenHandoff {
    const open = this.openFor(action);
    if (open.claimedBy !== action.agentId) {
      const why = open.claimedBy ? 'another agent holds this handoff' : `claim handoff ${action.taskId} first`;
      throw ApplicationFailure.nonRetryable(why, refusal.handoffClaimed);
    }
    return open;
  }
}

/** Milliseconds until `deadline` (workflow time), at least 1: a timer of 0 would mean no timeout. */
function remaining(deadline: number): number {
  return Math.max(deadline - Date.now(), 1);
}
