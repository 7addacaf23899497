import type OpenAI from 'openai';
import type { ActivityDeps } from './deps';
import { buildContext } from './context';
import type { GenerateReplyInput } from './llm';
import { getPromptSettings } from '../db/repositories/conversations';
import { recentMessagesUntil } from '../db/repositories/messages';
import type { Message } from '../db/schema';

const defaultSystemPrompt =
  'You are a helpful customer service assistant answering over SMS or chat. Reply briefly and plainly, in the ' +
  "customer's language. Use the knowledge base for facts about the company; never invent prices, hours or policies.";

const voiceInstructions =
  'This turn is spoken on a phone call: answer in one to three short spoken sentences, with no lists, links, ' +
  'emoji or formatting.';

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
 * What the model is sent for a turn: the tenant's instructions (and a call's), the rolling summary, the newest
 * messages within the token budget, and the turn's tool rounds so far.
 */
export async function modelMessages({ db, llm }: Pick<ActivityDeps, 'db' | 'llm'>, input: GenerateReplyInput): Promise<OpenAI.Chat.ChatCompletionMessageParam[]> {
  const [settings, newestFirst] = await Promise.all([getPromptSettings(db, input.conversationId), turnMessages({ db }, input)]);
  const systemPrompt = settings?.systemPrompt || defaultSystemPrompt;
  const messages = [
    ...buildContext({
      systemPrompt: input.channel === 'voice' ? `${systemPrompt}\n\n${voiceInstructions}` : systemPrompt,
      summary: settings?.summary ?? null,
      newestFirst,
      budgetTokens: llm.contextTokens,
    }),
    ...input.toolExchange,
  ];
  return messages as OpenAI.Chat.ChatCompletionMessageParam[];
}
