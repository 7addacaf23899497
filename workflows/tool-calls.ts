import { ActivityFailure, isCancellation, workflowInfo } from '@temporalio/workflow';
import type { ChatMessage } from '../activities/context';
import type { ToolPlan } from '../activities/tools/registry';
import type { Channel } from '../domain/channels';
import { runReadTool, runWriteTool } from './activity-proxies';
import { awaitingApproval } from './approvals';
import type { AskApproval } from './reply-turn';

/** Marks histories whose tool calls run through the tool registry (before it, `search_knowledge` was its own activity). */
export const toolRegistryPatch = 'tool-registry';

export interface ToolRound {
  tenantId: string;
  conversationId: string;
  channel?: Channel;
  /** The turn (the newest message it answers) and its round: with the call's index, the write's idempotency key. */
  untilMessageId: string;
  round: number;
  /**
   * Write calls this turn already made, by tool and arguments, with what they answered: a model asking again for
   * the same thing in a later round gets the same answer, and nothing acts twice.
   */
  writes: Map<string, string>;
  askApproval?: AskApproval;
}

export type ToolRoundOutcome = { kind: 'handoff'; reason: string } | { kind: 'results'; messages: ChatMessage[] };

/**
 * Runs one round of the model's tool calls, each as planned when the model asked (`planCall`): a handoff ends the
 * turn; display tools and refusals answer at once; reads run in an activity retried freely, writes in one that acts
 * exactly once per key (`runWriteTool`). Each answer goes back to the model as JSON (or text).
 */
export async function runToolCalls(round: ToolRound, plans: readonly ToolPlan[]): Promise<ToolRoundOutcome> {
  const handoff = plans.find((plan) => plan.kind === 'control');
  if (handoff && handoff.kind === 'control') return { kind: 'handoff', reason: String(handoff.arguments.reason ?? 'the assistant asked for a person') };
  const messages: ChatMessage[] = [];
  for (const [index, plan] of plans.entries()) {
    messages.push({ role: 'tool', tool_call_id: plan.callId, content: await answer(round, plan, index) });
  }
  return { kind: 'results', messages };
}

async function answer(round: ToolRound, plan: ToolPlan, index: number): Promise<string> {
  if (plan.kind === 'refused') return JSON.stringify({ error: plan.error });
  // The conversation, the turn, the round and the call: the same on a retry, a replay, a reset or a new run.
  const key = `${workflowInfo().workflowId}/${round.untilMessageId}/${round.round}/${index}`;
  if (plan.approval && plan.kind === 'write') {
    if (!round.askApproval) return JSON.stringify({ error: `${plan.name} needs a person's approval, which cannot be asked for here; offer a person instead` });
    const same = `${plan.name}:${JSON.stringify(plan.arguments)}`;
    const earlier = round.writes.get(same);
    if (earlier !== undefined) return earlier;
    const asked = JSON.stringify(awaitingApproval(await round.askApproval(plan.name, plan.arguments, key)));
    round.writes.set(same, asked);
    return asked;
  }
  const input = { key, tenantId: round.tenantId, conversationId: round.conversationId, name: plan.name, arguments: plan.arguments, ...(round.channel ? { channel: round.channel } : {}) };
  try {
    switch (plan.kind) {
      case 'display':
        return 'The buttons will be shown under your reply. Now write the reply.';
      case 'read':
        return text(await runReadTool(input));
      case 'write': {
        const same = `${plan.name}:${JSON.stringify(plan.arguments)}`;
        const earlier = round.writes.get(same);
        if (earlier !== undefined) return earlier;
        const result = text(await runWriteTool(input));
        round.writes.set(same, result);
        return result;
      }
      default:
        return JSON.stringify({ error: `${plan.name} cannot be called here` });
    }
  } catch (error) {
    if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
    if (plan.kind !== 'write') return JSON.stringify({ error: `${plan.name} failed; answer without it` });
    // It may have acted: asking again in this stretch gets this answer, never a second try.
    const failed = JSON.stringify({ error: `${plan.name} failed; it may not have gone through: say so, and offer a person` });
    round.writes.set(`${plan.name}:${JSON.stringify(plan.arguments)}`, failed);
    return failed;
  }
}

function text(result: Record<string, unknown> | string): string {
  return typeof result === 'string' ? result : JSON.stringify(result);
}
