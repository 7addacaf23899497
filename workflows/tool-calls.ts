import { ActivityFailure, isCancellation, workflowInfo } from '@temporalio/workflow';
import type { ChatMessage } from '../activities/context';
import type { ToolPlan } from '../activities/tools/registry';
import type { Channel } from '../domain/channels';
import { runReadTool, runWriteTool } from './activity-proxies';
import type { RunToolInput } from '../activities/tool-runs';
import { awaitingApproval, toolText } from './approvals';
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
  const input = { key, tenantId: round.tenantId, conversationId: round.conversationId, name: plan.name, arguments: plan.arguments, ...(round.channel ? { channel: round.channel } : {}) };
  if (plan.kind === 'write') {
    // Asked for before in this stretch (its answer, its approval, its failure): that answer, and nothing acts again.
    const same = `${plan.name}:${JSON.stringify(plan.arguments)}`;
    const earlier = round.writes.get(same);
    if (earlier !== undefined) return earlier;
    const answered = await write(round, plan.name, plan.approval, input);
    if (answered.remember) round.writes.set(same, answered.text);
    return answered.text;
  }
  try {
    switch (plan.kind) {
      case 'display':
        return 'The buttons will be shown under your reply. Now write the reply.';
      case 'read':
        return toolText(await runReadTool(input));
      default:
        return JSON.stringify({ error: `${plan.name} cannot be called here` });
    }
  } catch (error) {
    if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
    return JSON.stringify({ error: `${plan.name} failed; answer without it` });
  }
}

/** A write: asked of a person first when it needs approval, else run once under its key. */
async function write(round: ToolRound, name: string, approval: boolean, input: RunToolInput): Promise<{ text: string; remember: boolean }> {
  if (approval) {
    if (!round.askApproval) return { text: JSON.stringify({ error: `${name} needs a person's approval, which cannot be asked for here; offer a person instead` }), remember: false };
    return { text: JSON.stringify(awaitingApproval(await round.askApproval(name, input.arguments, input.key))), remember: true };
  }
  try {
    return { text: toolText(await runWriteTool(input)), remember: true };
  } catch (error) {
    if (!(error instanceof ActivityFailure) || isCancellation(error)) throw error;
    // It may have acted: asking again in this stretch gets this answer, never a second try.
    return { text: JSON.stringify({ error: `${name} failed; it may not have gone through: say so, and offer a person` }), remember: true };
  }
}
