import type OpenAI from 'openai';
import type { ActivityDeps } from './deps';
import { heartbeating } from './heartbeat';
import { getConversation, saveSummary } from '../db/repositories/conversations';
import { listMessages } from '../db/repositories/messages';
import type { Message } from '../db/schema';

const maxSummaryChars = 2000;

export function summaryActivities({ db, openai, llm }: ActivityDeps) {
  async function summarize(conversationId: string, signal: AbortSignal): Promise<void> {
    const conversation = await getConversation(db, conversationId);
    if (!conversation) return;
    const messages = await listMessages(db, conversationId, { limit: 200, newestFirst: true });
    if (messages.length === 0) return;
    const chronological = [...messages].reverse();
    const summary = openai
      ? await summarizeWithModel(openai, llm.model, conversation.summary, chronological, signal)
      : extractiveSummary(conversation.summary, chronological);
    await saveSummary(db, conversationId, summary.slice(0, maxSummaryChars));
  }

  return {
    /**
     * Folds the conversation into a short summary stored on the conversation row; the next run starts from it.
     * Safe to retry: it overwrites the same field with a summary of the same messages. Heartbeats while the model
     * writes it.
     */
    async summarizeConversation({ conversationId }: { conversationId: string }): Promise<void> {
      return heartbeating((signal) => summarize(conversationId, signal));
    },
  };
}

function transcript(messages: Message[]): string {
  return messages.map((m) => `${m.author}: ${m.body}`).join('\n');
}

async function summarizeWithModel(
  openai: OpenAI,
  model: string,
  previous: string | null,
  messages: Message[],
  signal: AbortSignal,
): Promise<string> {
  const completion = await openai.chat.completions.create(
    {
      model,
      messages: [
        {
          role: 'system',
          content:
            'Summarize this customer conversation in at most 120 words for the next agent: who the customer is, ' +
            'what they asked, what was answered or promised, what is still open.',
        },
        { role: 'user', content: `${previous ? `Earlier summary: ${previous}\n\n` : ''}${transcript(messages)}` },
      ],
    },
    { signal },
  );
  return completion.choices[0]?.message.content?.trim() || extractiveSummary(previous, messages);
}

/** Without a model: the customer's last questions, kept short. */
function extractiveSummary(previous: string | null, messages: Message[]): string {
  const asked = messages
    .filter((m) => m.author === 'customer')
    .slice(-5)
    .map((m) => m.body)
    .join(' / ');
  return [previous, `Customer recently wrote: ${asked}`].filter(Boolean).join('\n');
}
