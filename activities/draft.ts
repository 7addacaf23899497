import type { ActivityDeps } from './deps';
import { heartbeating } from './heartbeat';
import { summarize } from './summarizer';
import { getPromptSettings } from '../db/repositories/conversations';
import { listMessages } from '../db/repositories/messages';
import type { Message } from '../db/schema';

export interface DraftRequest {
  tenantId: string;
  conversationId: string;
  channel: 'sms' | 'whatsapp';
  agentName: string;
  /** What the agent wants the message to do ("ask if Tuesday still suits"); empty: follow up. */
  instructions: string;
}

/** The messages a draft reads: the newest, notes and call summaries included. */
const contextMessages = 30;
const maxDraftChars = 1000;

function transcript(messages: Message[]): string {
  return messages.map((m) => `${m.direction === 'internal' ? 'note' : m.author} (${m.channel}): ${m.body}`).join('\n');
}

/**
 * A message an agent will send to the person first, written by the model from the conversation's summary, newest
 * messages, call summaries and what the team knows of them; the agent edits it before it goes. Without a model, a
 * plain greeting to edit.
 */
export function draftActivities(deps: ActivityDeps) {
  const { db } = deps;
  async function draft(input: DraftRequest, signal: AbortSignal): Promise<string> {
    const [settings, newestFirst] = await Promise.all([
      getPromptSettings(db, input.conversationId),
      listMessages(db, input.conversationId, { limit: contextMessages, newestFirst: true }),
    ]);
    const business = settings?.name ?? 'the business';
    const name = settings?.contact_name ?? null;
    const how = input.channel === 'whatsapp' ? 'WhatsApp' : 'SMS';
    const instructions = [
      `Write the text of one ${how} message that ${input.agentName}, of ${business}'s team, will send to this customer now.`,
      name ? `The customer's name is ${name}: greet them by it.` : '',
      settings?.contact_note ? `The team's note about them: ${settings.contact_note}` : '',
      input.instructions ? `What the message should do: ${input.instructions}` : 'Follow up on what is still open.',
      'Plain text, at most 300 characters, no placeholders, nothing invented: only what the conversation says.',
    ]
      .filter(Boolean)
      .join(' ');
    const conversation = [settings?.summary ? `Summary so far: ${settings.summary}` : '', transcript(newestFirst.reverse())].filter(Boolean).join('\n\n');
    const text = await summarize(
      deps,
      { instructions, transcript: conversation || '(no messages yet)', fallback: () => `Hi ${name ?? 'there'}, this is ${input.agentName} from ${business}. ` },
      { tenantId: input.tenantId, conversationId: input.conversationId, purpose: 'draft' },
      signal,
    );
    return text.trim().slice(0, maxDraftChars);
  }

  return {
    /** Reads and one model call: safe to repeat. Heartbeats while the model writes. */
    async draftMessage(input: DraftRequest): Promise<{ text: string }> {
      return { text: await heartbeating((signal) => draft(input, signal)) };
    },
  };
}
