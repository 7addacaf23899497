import { ActivityFailure, ApplicationFailure, isCancellation, sleep, uuid4 } from '@temporalio/workflow';
import type { ToolResult } from '../activities/tools/tool';
import { refusal } from '../domain/failures';
import { closeApproval, openApproval, recordApprovalDecision, runWriteTool } from './activity-proxies';
import type { ApprovalDecision, PendingApproval } from './definitions';

/** What the approvals lend of the conversation. */
export interface ApprovalsHost {
  tenantId: string;
  conversationId: string;
  timeoutMs: number;
  /** A model turn answering the note `messageId` (how an approval ended), settled where replies go now. */
  answer(messageId: string): Promise<void>;
}

/** What the model is told when it asks for a call that needs approval: the call waits, nothing happened yet. */
export const awaitingApproval = (approvalId: string) => ({
  status: 'awaiting_approval',
  approval_id: approvalId,
  note: 'A person must approve this before it happens. Tell the customer a person is checking it and they will hear back here; do not say it is done.',
});

/** A tool's answer as the model reads it: its text, or its JSON. */
export function toolText(result: ToolResult): string {
  return typeof result === 'string' ? result : JSON.stringify(result);
}

/**
 * Tool calls waiting for a person: each is opened for the tenant's agents bound to its exact tool and arguments,
 * waits durably (carried across continue-as-new) until an agent approves or denies it or `timeoutMs` pass, and then
 * runs once (approved) and the model words the outcome in a turn of its own.
 */
export class Approvals {
  waiting: PendingApproval[];
  private settling: PendingApproval[] = [];

  constructor(
    private readonly host: ApprovalsHost,
    carried: PendingApproval[] | null,
  ) {
    this.waiting = [...(carried ?? [])];
    for (const approval of this.waiting) this.expireAt(approval);
  }

  /** Opens an approval for a write the model asked for; its id. */
  async open(tool: string, args: Record<string, unknown>, key: string): Promise<string> {
    const approval: PendingApproval = { approvalId: `apr_${uuid4()}`, tool, arguments: args, key, deadline: Date.now() + this.host.timeoutMs };
    this.waiting.push(approval);
    const { tenantId, conversationId } = this.host;
    const opened = await openApproval({ approvalId: approval.approvalId, tenantId, conversationId, tool, arguments: args, deadline: new Date(approval.deadline).toISOString() });
    if (opened.fingerprint !== undefined) approval.fingerprint = opened.fingerprint;
    this.expireAt(approval);
    return approval.approvalId;
  }

  private expireAt(approval: PendingApproval): void {
    void sleep(Math.max(0, approval.deadline - Date.now())).then(() => {
      approval.decision ??= { decision: 'expired' };
    });
  }

  /** Rejects (before anything is written to history) a decision on an approval that is not waiting for one. */
  validateDecision(decision: ApprovalDecision): void {
    const approval = this.waiting.find((a) => a.approvalId === decision.approvalId);
    if (!approval || approval.decision) {
      throw ApplicationFailure.nonRetryable(`approval ${decision.approvalId} was decided already or is no longer waiting`, refusal.approvalDecided);
    }
  }

  async decide(decision: ApprovalDecision): Promise<void> {
    const approval = this.waiting.find((a) => a.approvalId === decision.approvalId);
    if (!approval || approval.decision) throw ApplicationFailure.nonRetryable(`approval ${decision.approvalId} was decided already`, refusal.approvalDecided);
    approval.decision = decision;
    const { tenantId, conversationId } = this.host;
    await recordApprovalDecision({ approvalId: decision.approvalId, tenantId, conversationId, status: decision.decision === 'approve' ? 'approved' : 'denied', decidedBy: decision.agentId, note: decision.note ?? null });
  }

  /** Whether an approval was decided or ran out of time and waits to be settled. */
  ready(): boolean {
    return this.waiting.some((a) => a.decision);
  }

  /** Settles every decided approval: runs what was approved (once, under its key), and has the model say how it went. */
  async settle(): Promise<void> {
    for (let approval = this.waiting.find((a) => a.decision); approval; approval = this.waiting.find((a) => a.decision)) {
      // Out of the list before anything is awaited: a settle running beside this one (an agent's decision during a
      // handoff) never takes the same approval. Carried across continue-as-new until then.
      const taken = approval;
      this.settling.push(taken);
      this.waiting = this.waiting.filter((a) => a !== taken);
      const { messageId } = await this.close(taken);
      this.settling = this.settling.filter((a) => a !== taken);
      await this.host.answer(messageId);
    }
  }

  /** What survives continue-as-new: the approvals waiting, and any being settled (settled again, harmlessly). */
  carried(): PendingApproval[] {
    return [...this.settling, ...this.waiting];
  }

  private async close(approval: PendingApproval): Promise<{ messageId: string }> {
    const { tenantId, conversationId } = this.host;
    const ref = { approvalId: approval.approvalId, tenantId, conversationId };
    const call = `${approval.tool} ${JSON.stringify(approval.arguments)}`;
    const decision = approval.decision;
    if (!decision || decision.decision === 'expired') {
      return closeApproval({ ...ref, status: 'expired', words: `No one approved ${call} in time, so it did not happen. Tell the customer, and that a person can follow up.` });
    }
    const by = { decidedBy: decision.agentId, note: decision.note ?? null };
    if (decision.decision === 'deny') {
      const why = decision.note ? ` (their note: ${decision.note})` : '';
      return closeApproval({ ...ref, status: 'denied', ...by, words: `A person declined ${call}${why}, so it did not happen. Tell the customer.` });
    }
    let result: ToolResult;
    try {
      const declared = approval.fingerprint === undefined ? {} : { fingerprint: approval.fingerprint };
      result = await runWriteTool({ key: approval.key, tenantId, conversationId, name: approval.tool, arguments: approval.arguments, ...declared });
    } catch (error) {
      if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
      result = { error: `${approval.tool} failed after it was approved; it may not have gone through` };
    }
    return closeApproval({ ...ref, status: 'approved', ...by, result, words: `A person approved ${call}. It ran and answered: ${toolText(result)}. Tell the customer how it went.` });
  }
}
