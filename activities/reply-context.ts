import type OpenAI from 'openai';
import type { ActivityDeps } from './deps';
import { buildContext } from './context';
import type { GenerateReplyInput } from './llm';
import { getPromptSettings } from '../db/repositories/conversations';
import { recentMessagesUntil } from '../db/repositories/messages';
import type { Message } from '../db/schema';
import { systemPrompt } from './system-prompt';
import type { ToolDefinition } from './tools/tool';

/**
 * Newest messages a turn sees (about 20 exchanges), also capped by LLM_CONTEXT_TOKENS; older ones reach the model
 * through the rolling summary, so the prompt stops growing however long the conversation.
 */
const historyLimit = 40;

/** The conversation's newest messages up to the one the turn answers, newest first (what the offline responder reads). */
export function turnMessages({ db }: Pick<ActivityDeps, 'db'>, input: GenerateReplyInput): Promise<Message[]> {
  return recentMessagesUntil(db, input.conversationId, input.untilMessageId, historyLimit);
}

/**
 * What the model is sent for a turn: the system prompt (`system-prompt.ts`, from the tenant's persona and its
 * `tools`), the rolling summary, the newest messages within the token budget, and the turn's tool rounds so far.
 */
export async function modelMessages(
  { db, llm }: Pick<ActivityDeps, 'db' | 'llm'>,
  input: GenerateReplyInput,
  tools: readonly ToolDefinition[],
): Promise<OpenAI.Chat.ChatCompletionMessageParam[]> {
  const [settings, newestFirst] = await Promise.all([getPromptSettings(db, input.conversationId), turnMessages({ db }, input)]);
  const tenant = settings ?? { name: 'the business', system_prompt: '', persona: {}, time_zone: 'UTC' };
  const messages = [
    ...buildContext({
      systemPrompt: systemPrompt(tenant, tools, input.channel, new Date(), { name: settings?.contact_name, note: settings?.contact_note }),
      summary: settings?.summary ?? null,
      newestFirst,
      budgetTokens: llm.contextTokens,
    }),
    ...input.toolExchange,
  ];
  return messages as OpenAI.Chat.ChatCompletionMessageParam[];
}
