import { ApplicationFailure } from '@temporalio/activity';
import { describeRejection, isFinalRejection } from './channels/twilio-errors';
import { SecretUnreadable } from '../config/secrets';
import { refusal } from '../domain/failures';
import type { ActivityDeps } from './deps';
import { heartbeating } from './heartbeat';
import { summarize } from './summarizer';
import { publishEvent, publishToConversation } from '../db/events';
import { markInterrupted, recordCallStart } from '../db/repositories/calls';
import { insertMessageOnce, listCallMessages } from '../db/repositories/messages';
import type { Message } from '../db/schema';

export interface CallTarget {
  conversationId: string;
  tenantId: string;
  callSid: string;
}

const maxSummaryChars = 1500;
const instructions = 'Summarize this phone call in at most 80 words: what the caller wanted, what they were told, what is still open.';

export function callActivities(deps: ActivityDeps) {
  const { db, twilioAccounts, voiceUrls } = deps;
  async function noteSummary(input: CallTarget, signal: AbortSignal): Promise<void> {
    const spoken = await listCallMessages(db, input.conversationId, input.callSid);
    if (spoken.length === 0) return;
    const use = { tenantId: input.tenantId, conversationId: input.conversationId, purpose: 'call_summary' as const };
    const summary = await summarize(deps, { instructions, transcript: transcript(spoken), fallback: () => extractiveSummary(spoken) }, use, signal);
    const id = `call-summary:${input.callSid}`;
    const wrote = await insertMessageOnce(db, {
      id,
      conversation_id: input.conversationId,
      tenant_id: input.tenantId,
      direction: 'internal',
      author: 'system',
      channel: 'voice',
      from_address: input.callSid,
      to_address: '',
      body: `Summary of the phone call: ${summary.slice(0, maxSummaryChars)}`,
      status: 'note',
    });
    if (wrote) await publishEvent(db, { type: 'message', tenantId: input.tenantId, conversationId: input.conversationId, messageId: id });
  }

  return {
    /**
     * Keeps only what the caller heard of an interrupted reply (the rest stays in `full_body`), so the next turns
     * know what was really said. Safe to repeat: it sets the same values.
     */
    async recordInterruption(input: CallTarget & { messageId: string; heard: string }): Promise<void> {
      if (await markInterrupted(db, input.messageId, input.heard)) {
        await publishEvent(db, { type: 'message', tenantId: input.tenantId, conversationId: input.conversationId, messageId: input.messageId });
      }
    },

    /**
     * After a call, its summary joins the conversation as an internal note, so a later SMS or WhatsApp turn knows
     * what was said. Safe to repeat: the note has a fixed id.
     */
    async summarizeCall(input: CallTarget): Promise<void> {
      return heartbeating((signal) => noteSummary(input, signal));
    },

    /**
     * Rings the person from the service's number; when they answer, Twilio asks the voice route what to do, as for
     * any call. A refusal from Twilio is final and readable.
     */
    async placeOutboundCall(input: { conversationId: string; tenantId: string; requestId: string; to: string; from: string }): Promise<{ callSid: string }> {
      try {
        const twilio = await twilioAccounts.client(input.tenantId);
        const call = await twilio.calls.create({
          to: input.to,
          from: input.from,
          url: voiceUrls.answer,
          statusCallback: voiceUrls.status,
          statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
        });
        await recordCallStart(db, {
          callSid: call.sid,
          tenantId: input.tenantId,
          conversationId: input.conversationId,
          contactKey: input.to,
          direction: 'outbound',
          from: input.from,
          to: input.to,
          status: call.status,
        });
        return { callSid: call.sid };
      } catch (error) {
        if (error instanceof SecretUnreadable) throw ApplicationFailure.nonRetryable(`the call was not placed: ${error.message}`, refusal.deliveryRefused);
        if (!isFinalRejection(error)) throw error;
        throw ApplicationFailure.nonRetryable(`the call was not placed: ${describeRejection(error).reason}`, refusal.deliveryRefused);
      }
    },

    /** Ends the call's relay session with `handoffData` (a transfer to a person). Repeating it repeats the request. */
    async endCall(input: CallTarget & { handoffData: Record<string, unknown> }): Promise<void> {
      await publishToConversation(db, {
        type: 'call_end',
        conversationId: input.conversationId,
        callSid: input.callSid,
        handoffData: JSON.stringify(input.handoffData),
      });
    },
  };
}

function transcript(messages: Message[]): string {
  return messages.map((m) => `${m.author === 'customer' ? 'caller' : m.author}: ${m.body}`).join('\n');
}

/** Without a model: what the caller said, kept short. */
function extractiveSummary(messages: Message[]): string {
  const said = messages.filter((m) => m.author === 'customer').map((m) => m.body);
  return `the caller said: ${said.slice(-6).join(' / ')}`;
}
