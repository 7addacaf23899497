import type { Message } from '../db/schema';

/** What the LLM sees of a conversation, in OpenAI's chat-message shape. */
export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A rough, tokenizer-free count (about four characters a token for English); it only has to bound the prompt. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4) + 4;
}

/**
 * Builds the prompt from the tenant's instructions, the rolling summary and as many of the newest messages as fit in
 * `budgetTokens`. `newestFirst` is the history ordered newest first (as loaded); the result is chronological.
 */
export function buildContext(options: {
  systemPrompt: string;
  summary: string | null;
  newestFirst: Message[];
  budgetTokens: number;
}): ChatMessage[] {
  const system = options.summary
    ? `${options.systemPrompt}\n\nSummary of the conversation so far:\n${options.summary}`
    : options.systemPrompt;
  let remaining = options.budgetTokens - estimateTokens(system);
  const history: ChatMessage[] = [];
  for (const message of options.newestFirst) {
    const turn = toChatMessage(message);
    if (!turn) continue;
    const cost = estimateTokens(turn.content ?? '');
    if (cost > remaining && history.length > 0) break;
    remaining -= cost;
    history.push(turn);
  }
  return [{ role: 'system', content: system }, ...history.reverse()];
}

function toChatMessage(message: Message): { role: 'system' | 'user' | 'assistant'; content: string } | null {
  if (message.direction === 'internal') {
    return { role: 'system', content: `Note from the team (the customer did not see it): ${message.body}` };
  }
  switch (message.author) {
    case 'customer':
      return { role: 'user', content: message.body };
    case 'ai':
      // A spoken reply the caller cut off: the model learns what they really heard.
      if (message.status === 'interrupted') {
        return { role: 'assistant', content: `${message.body} [interrupted: the caller cut in here and did not hear the rest]` };
      }
      return { role: 'assistant', content: message.body };
    case 'agent':
      return { role: 'assistant', content: `(a human agent wrote) ${message.body}` };
    default:
      return null;
  }
}
