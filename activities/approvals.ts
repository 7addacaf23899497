import { createHash } from 'node:crypto';
import type { ActivityDeps } from './deps';
import { publishEvent } from '../db/events';
import { decideApproval, insertApproval, setApprovalResult } from '../db/repositories/approvals';
import { insertMessageOnce } from '../db/repositories/messages';
import { tenantTool } from './tools/registry';

export interface ApprovalRef {
  approvalId: string;
  tenantId: string;
  conversationId: string;
}

/** What a decision is bound to: the tool and its exact arguments (keys in a stable order). */
export function argumentsHash(tool: string, args: Record<string, unknown>): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, canonical(v)]))
        : value;
  return createHash('sha256').update(JSON.stringify([tool, canonical(args)])).digest('hex');
}

export function approvalActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /** Puts the approval before the tenant's agents. Idempotent: its id comes from the workflow. */
    async openApproval(
      input: ApprovalRef & { tool: string; arguments: Record<string, unknown>; deadline: string },
    ): Promise<{ argumentsHash: string; fingerprint: string }> {
      const hash = argumentsHash(input.tool, input.arguments);
      // The declaration asked about now: the approved call runs only if it is still the same.
      const fingerprint = (await tenantTool(db, input.tenantId, input.tool))?.fingerprint ?? '';
      await insertApproval(db, {
        id: input.approvalId,
        tenant_id: input.tenantId,
        conversation_id: input.conversationId,
        tool: input.tool,
        arguments: input.arguments,
        arguments_hash: hash,
        deadline: new Date(input.deadline),
      });
      await publishEvent(db, { type: 'approval', tenantId: input.tenantId, conversationId: input.conversationId, approvalId: input.approvalId, status: 'pending' });
      return { argumentsHash: hash, fingerprint };
    },

    /** Records an agent's decision as soon as it is made, so the agents' screens show it. Safe to repeat. */
    async recordApprovalDecision(input: ApprovalRef & { status: 'approved' | 'denied'; decidedBy: string; note: string | null }): Promise<void> {
      await decideApproval(db, input.approvalId, { status: input.status, decidedBy: input.decidedBy, note: input.note });
      await publishEvent(db, { type: 'approval', tenantId: input.tenantId, conversationId: input.conversationId, approvalId: input.approvalId, status: input.status });
    },

    /**
     * Records how the approval ended (a person's decision, or no decision in time) and what the tool answered, and
     * leaves a note in the conversation for the model's next turn and the agents. Safe to repeat.
     */
    async closeApproval(
      input: ApprovalRef & { status: 'approved' | 'denied' | 'expired'; decidedBy?: string | null; note?: string | null; result?: unknown; words: string },
    ): Promise<{ messageId: string }> {
      await decideApproval(db, input.approvalId, { status: input.status, decidedBy: input.decidedBy, note: input.note });
      if (input.result !== undefined) await setApprovalResult(db, input.approvalId, input.result);
      const messageId = `approval:${input.approvalId}`;
      await insertMessageOnce(db, {
        id: messageId,
        conversation_id: input.conversationId,
        tenant_id: input.tenantId,
        direction: 'internal',
        author: 'system',
        channel: 'note',
        from_address: 'approvals',
        to_address: '',
        body: input.words,
        status: 'note',
      });
      await publishEvent(db, { type: 'approval', tenantId: input.tenantId, conversationId: input.conversationId, approvalId: input.approvalId, status: input.status });
      await publishEvent(db, { type: 'message', tenantId: input.tenantId, conversationId: input.conversationId, messageId });
      return { messageId };
    },
  };
}
