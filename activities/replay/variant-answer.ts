import type { Kysely } from 'kysely';
import type OpenAI from 'openai';
import type { ChatMessage } from '../context';
import { extractiveReply } from '../extractive';
import { passagesGiven } from '../knowledge/cited-passages';
import type { ActivityDeps } from '../deps';
import { modelMessages } from '../reply-context';
import { modelTool, offeredTools } from '../tools/registry';
import { searchKnowledge } from '../tools/search-knowledge';
import type { ToolDefinition, ToolResult } from '../tools/tool';
import { recentMessagesUntil } from '../../db/repositories/messages';
import { toolScope } from '../../db/repositories/tools';
import type { Database } from '../../db/schema';
import type { Channel } from '../../domain/channels';
import { citedSources } from '../../domain/citations';
import type { RecordedTurn, ReplayAnswer } from './recorded-turns';
import type { ReplayVariant } from './variant';

/** What a replay reads and calls: the activities' own, and how many tool rounds a turn may take. */
export type ReplayDeps = Pick<ActivityDeps, 'db' | 'models' | 'embedder' | 'llm' | 'tools'> & { maxToolRounds: number };

export interface ReplayScope {
  tenantId: string;
  conversationId: string;
  channel: Channel | undefined;
}

const toolText = (result: ToolResult) => (typeof result === 'string' ? result : JSON.stringify(result));

/** A write's outcome as it was recorded in this turn (writes never run in a replay), or a note that there is none. */
async function recordedWrite(db: Kysely<Database>, scope: ReplayScope, turn: RecordedTurn, tool: string): Promise<ToolResult> {
  const run = await db
    .selectFrom('tool_runs')
    .select('result')
    .where('conversation_id', '=', scope.conversationId)
    .where('tool', '=', tool)
    .where('created_at', '>=', turn.startedAt)
    .where('created_at', '<=', turn.answeredAt)
    .orderBy('created_at')
    .executeTakeFirst();
  if (run?.result && typeof run.result === 'object') return run.result as Record<string, unknown>;
  if (typeof run?.result === 'string') return run.result;
  return { note: `${tool} does not run in a replay, and the recorded turn did not call it: assume it could not be done now` };
}

/**
 * The variant's answer to a recorded turn, outside the conversation's workflow: the history up to the turn, the
 * variant's system prompt, model and tools. Read tools run (knowledge search against the variant's knowledge base);
 * write tools never run, their recorded outcome stands in; nothing is sent and nothing live changes (the only rows
 * written are the model calls' usage, as `replay`).
 */
export async function variantAnswer(deps: ReplayDeps, scope: ReplayScope, turn: RecordedTurn, variant: ReplayVariant, signal: AbortSignal): Promise<ReplayAnswer> {
  const knowledgeTenant = variant.knowledge?.tenantId ?? scope.tenantId;
  if (!deps.models) {
    // Without a model, the offline responder answers, from the variant's knowledge base.
    const newestFirst = await recentMessagesUntil(deps.db, scope.conversationId, turn.lastMessageId, 40);
    const started = Date.now();
    const reply = await extractiveReply(deps.db, deps.embedder, knowledgeTenant, newestFirst, scope.channel);
    const latencyMs = Date.now() - started;
    if (reply.kind === 'handoff') return { text: '', outcome: 'handoff', reason: reply.reason, sources: [], costUsd: 0, latencyMs, model: null, tools: [] };
    if (reply.kind !== 'text') return { text: '', outcome: 'error', reason: 'the offline responder asked for tools', sources: [], costUsd: 0, latencyMs, model: null, tools: [] };
    return { text: reply.text, outcome: 'answered', sources: reply.sources ?? [], costUsd: 0, latencyMs, model: null, tools: [] };
  }
  const models = variant.model ? deps.models.withModel(variant.model) : deps.models;
  const enabled = (await offeredTools(deps.db, scope.tenantId, scope.channel)).filter((t) => !variant.tools || variant.tools.includes(t.name));
  const base = await modelMessages(
    deps,
    { conversationId: scope.conversationId, tenantId: scope.tenantId, untilMessageId: turn.lastMessageId, toolExchange: [], allowTools: true, ...(scope.channel ? { channel: scope.channel } : {}) },
    enabled,
  );
  if (variant.systemPrompt && base[0]?.role === 'system') base[0] = { role: 'system', content: variant.systemPrompt };
  const { timeZone, contactKey } = await toolScope(deps.db, scope.tenantId, scope.conversationId);
  const exchange: ChatMessage[] = [];
  const used: string[] = [];
  let costUsd = 0;
  let latencyMs = 0;
  for (let round = 0; ; round += 1) {
    const allowTools = round < deps.maxToolRounds && enabled.length > 0;
    const answer = await models.complete(
      { messages: [...base, ...exchange] as OpenAI.Chat.ChatCompletionMessageParam[], ...(allowTools ? { tools: enabled.map(modelTool) } : {}) },
      { tenantId: scope.tenantId, conversationId: scope.conversationId, purpose: 'replay' },
      signal,
    );
    costUsd += answer.costUsd;
    latencyMs += answer.latencyMs;
    if (answer.calls.length === 0 || !allowTools) {
      const cited = citedSources(answer.text, passagesGiven(exchange));
      return { text: cited.text, outcome: 'answered', sources: cited.sources, costUsd, latencyMs, model: answer.model, tools: used };
    }
    exchange.push({ role: 'assistant', content: answer.content, tool_calls: answer.calls });
    for (const call of answer.calls) {
      used.push(call.function.name);
      const tool = enabled.find((t) => t.name === call.function.name);
      let args: Record<string, unknown> = {};
      try {
        args = JSON.parse(call.function.arguments || '{}') as Record<string, unknown>;
      } catch {
        // the tool says its arguments do not fit
      }
      if (tool?.kind === 'control') {
        const reason = typeof args.reason === 'string' ? args.reason : tool.name;
        return { text: '', outcome: 'handoff', reason, sources: [], costUsd, latencyMs, model: answer.model, tools: used };
      }
      const result = await runForReplay(deps, scope, turn, tool, args, { knowledgeTenant, timeZone, contactKey: contactKey ?? '', callKey: `replay:${call.id}`, signal });
      exchange.push({ role: 'tool', tool_call_id: call.id, content: toolText(result) });
    }
  }
}

async function runForReplay(
  deps: ReplayDeps,
  scope: ReplayScope,
  turn: RecordedTurn,
  tool: ToolDefinition | undefined,
  args: Record<string, unknown>,
  context: { knowledgeTenant: string; timeZone: string; contactKey: string; callKey: string; signal: AbortSignal },
): Promise<ToolResult> {
  if (!tool) return { error: 'no such tool is offered' };
  if (tool.kind === 'write') return recordedWrite(deps.db, scope, turn, tool.name);
  const checked = tool.args.safeParse(args);
  if (!checked.success) return { error: `arguments of ${tool.name} do not fit its schema` };
  return tool.run(checked.data, {
    db: deps.db,
    tenantId: tool.name === searchKnowledge.name ? context.knowledgeTenant : scope.tenantId,
    conversationId: scope.conversationId,
    contactKey: context.contactKey,
    channel: scope.channel ?? null,
    timeZone: context.timeZone,
    now: turn.askedAt,
    callKey: context.callKey,
    allowPrivateUrls: deps.tools.allowPrivateUrls,
    secrets: deps.tools.secrets,
    embedder: deps.embedder,
    signal: context.signal,
    async notify() {
      throw new Error('a replay sends nothing');
    },
  });
}
