import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import type { ChatMessage } from './context';
import type { GenerateReplyInput, GenerateReplyResult } from './llm';
import { modelMessages } from './reply-context';
import type { Models } from './models';
import type { TokenStream } from './token-stream';
import { modelTool, offeredTools, planCall, projectTools } from './tools/registry';
import { projectOfConversation } from '../db/repositories/projects';
import { optionsShown } from './tools/show-options';
import { showOptionsTool } from '../domain/reply-options';
import { asksAFact, citedSources, CitationFilter, type ReplySource } from '../domain/citations';
import { passagesGiven, searchedKnowledge, withSourceLinks } from './knowledge/cited-passages';

/** The text of the assistant's tool-calling messages so far in a turn, as the customer got it live. */
function writtenBefore(toolExchange: ChatMessage[]): string {
  return toolExchange.map((m) => (m.role === 'assistant' && typeof m.content === 'string' ? m.content : '')).join('');
}

/**
 * One round of a turn by the model: its reply (streamed token by token when the customer waits for it live) or the
 * tools it calls. Buttons asked for alongside the text end the turn (web chat); asked for alone, or with other
 * tools, they wait for the text.
 */
export async function modelReply(
  models: Models,
  deps: Pick<ActivityDeps, 'db' | 'llm'>,
  input: GenerateReplyInput,
  stream: TokenStream | null,
  signal: AbortSignal,
): Promise<GenerateReplyResult> {
  // The prompt tells the model what it can do even on the last round, when it must answer in words.
  const project = await projectOfConversation(deps.db, input.conversationId);
  const enabled = projectTools(await offeredTools(deps.db, input.tenantId, input.channel), project?.tools);
  const offered = input.allowTools ? enabled : [];
  const messages = await modelMessages(deps, input, enabled);
  const request = { messages, ...(offered.length > 0 ? { tools: offered.map(modelTool) } : {}) };
  const use = { tenantId: input.tenantId, conversationId: input.conversationId, purpose: 'reply' as const };
  // What the model wrote before calling a tool in this turn's earlier rounds already reached the customer live:
  // the reply goes on from it, and is recorded with it.
  const before = stream ? writtenBefore(input.toolExchange) : '';
  const separator = before && !/\s$/.test(before) ? ' ' : '';
  let lead = separator;
  // Citation markers ([1]) are the record's, not the customer's: they never reach the live stream.
  const citations = new CitationFilter();
  const answer = stream
    ? await models.complete(request, use, signal, (token) => {
        const shown = citations.push(token);
        if (!shown) return;
        stream.push(lead + shown);
        lead = '';
      })
    : await models.complete(request, use, signal);
  // A `[` that never closed was not a marker: what was held of it goes out.
  const held = citations.end();
  if (stream && held) stream.push(lead + held);
  const onlyButtons = answer.calls.every((call) => call.function.name === showOptionsTool);
  if (answer.calls.length > 0 && !(onlyButtons && answer.text)) {
    return {
      kind: 'tool_calls',
      assistant: { role: 'assistant', content: answer.content, tool_calls: answer.calls },
      calls: answer.calls,
      plans: answer.calls.map((call) => planCall(call, offered)),
    };
  }
  if (!answer.text) throw ApplicationFailure.retryable('the model returned an empty reply', 'EmptyReply');
  const cited = citedSources(answer.text, passagesGiven(input.toolExchange));
  const sources = replySources(cited.sources, input.toolExchange, messages);
  const buttons = input.channel === 'web' ? optionsShown(input.toolExchange, answer.calls) : null;
  const options = input.channel === 'web' ? withSourceLinks(buttons, cited.sources) : null;
  return {
    kind: 'text',
    text: stream ? `${before}${separator}${cited.text}` : cited.text,
    model: answer.model,
    ...(options ? { options } : {}),
    ...(sources ? { sources } : {}),
  };
}

/**
 * What a reply is kept with: the documents it cited; none (`[]`, marked) when it answered a question of fact
 * without a passage (it searched and cited nothing, or asked nothing of the knowledge base); null otherwise.
 */
function replySources(cited: ReplySource[], exchange: readonly ChatMessage[], messages: readonly { role: string; content?: unknown }[]): ReplySource[] | null {
  if (cited.length > 0) return cited;
  if (searchedKnowledge(exchange)) return [];
  const question = [...messages].reverse().find((m) => m.role === 'user');
  return typeof question?.content === 'string' && asksAFact(question.content) ? [] : null;
}
