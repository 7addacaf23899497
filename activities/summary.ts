import type { ActivityDeps } from './deps';
import { heartbeating } from './heartbeat';
import { summarize } from './summarizer';
import { unknownSender } from './unknown-sender';
import { getConversation, markClosed, saveSummary } from '../db/repositories/conversations';
import { messagesToSummarize } from '../db/repositories/messages';
import type { Message } from '../db/schema';

const maxSummaryChars = 2000;
/** The most messages one summary folds in; a longer stretch since the last one keeps its newest. */
const maxMessages = 200;

const instructions =
  'Summarize this customer conversation in at most 120 words for the next agent: who the customer is, what they ' +
  'asked, what was answered or promised, what is still open.';

export function summaryActivities(deps: ActivityDeps) {
  const { db } = deps;

  async function summarizeConversation(conversationId: string, signal: AbortSignal): Promise<void> {
    const conversation = await getConversation(db, conversationId);
    if (!conversation) return;
    // Only what is new since the last summary, which the new one builds on.
    const fresh = await messagesToSummarize(db, conversationId, maxMessages);
    const newest = fresh.at(-1);
    if (!newest) return;
    const previous = conversation.summary;
    // Someone the tenant's inbound policy keeps from the model: their words are summarized without it too.
    const screened = await unknownSender(db, conversation.tenant_id, conversationId);
    const summary = screened
      ? extractiveSummary(previous, fresh)
      : await summarize(
          deps,
          { instructions, transcript: `${previous ? `Earlier summary: ${previous}\n\n` : ''}${transcript(fresh)}`, fallback: () => extractiveSummary(previous, fresh) },
          { tenantId: conversation.tenant_id, conversationId, purpose: 'summary' },
          signal,
        );
    await saveSummary(db, conversationId, summary.slice(0, maxSummaryChars), newest.id);
  }

  return {
    /**
     * Folds what is new in the conversation into its short summary, stored on the conversation row; the next run
     * starts from it. Safe to retry: once saved, the messages it folded in are not new any more, so a repeat adds
     * nothing. Heartbeats while the model writes it.
     */
    async summarizeConversation({ conversationId }: { conversationId: string }): Promise<void> {
      return heartbeating((signal) => summarizeConversation(conversationId, signal));
    },

    /** The conversation's run ends: the inbox shows it closed until its next message. Safe to repeat. */
    async conversationClosed({ conversationId }: { conversationId: string }): Promise<void> {
      await markClosed(db, conversationId);
    },
  };
}

function transcript(messages: Message[]): string {
  return messages.map((m) => `${m.author}: ${m.body}`).join('\n');
}

/** Without a model: the customer's last questions, kept short. */
function extractiveSummary(previous: string | null, messages: Message[]): string {
  const asked = messages
    .filter((m) => m.author === 'customer')
    .slice(-5)
    .map((m) => m.body)
    .join(' / ');
  return [previous, asked && `Customer recently wrote: ${asked}`].filter(Boolean).join('\n');
}
