import { CancellationScope, condition, isCancellation, patched } from '@temporalio/workflow';
import type { ReplyTarget } from '../domain/channels';
import { endCall, recordInterruption, summarizeCall } from './activity-proxies';
import type { CallRef, InboundMessage, Interruption, VoiceTurnRequest, VoiceTurnResult } from './definitions';
import { liveTurnContext, modelUnavailable, replyTurn, type LiveChannelHost } from './reply-turn';

/** What the conversation lends its calls, besides what every live channel gets: where texts go after, the handoff. */
export interface CallsHost extends LiveChannelHost {
  /** Where replies go once the call is over: the caller's number by text. */
  afterCall(call: CallRef): void;
  openHandoff(reason: string): string;
}

interface Turn {
  turnId: string;
  call: CallRef;
  /** The turn's handler is done with it. */
  finished: boolean;
  scope: CancellationScope;
  /** What the caller heard when they cut in, and when; null while they have not. */
  heard: string | null;
  heardAt: string | null;
  /** The recorded reply, once there is one. */
  messageId: string | null;
}

const voiceTarget = (call: CallRef): ReplyTarget => ({ channel: 'voice', address: call.callSid, sender: call.service });

/** What the caller said (or pressed) in a turn, as a message of the conversation. */
function promptMessage(request: VoiceTurnRequest): InboundMessage {
  return {
    providerMessageId: `${request.callSid}:${request.turnId}`,
    channel: 'voice',
    from: request.caller,
    to: request.service,
    body: request.kind === 'dtmf' ? `(pressed ${request.prompt} on the keypad)` : request.prompt,
    media: [],
    receivedAt: request.receivedAt,
  };
}

/**
 * The conversation's phone calls. A spoken turn is answered at once (no batching window) and its reply streams to
 * the caller while the model writes it; the durable record is the reply's full text, or only what the caller heard
 * when they cut in. A newer prompt supersedes a reply still being written. A turn that ends with a handoff ends the
 * relay session so the call can be put through to a person.
 */
export class Calls {
  active: CallRef | null;
  private turn: Turn | null = null;
  /** The newest turns, for an interruption that comes after a newer prompt. */
  private recent: Turn[] = [];
  /** Recordings of what a caller heard still being written; the next reply waits for them. */
  private recording = 0;
  /** When the newest prompt taken was said (ISO time): an older one arriving later is not answered. */
  private newestReceivedAt = '';
  /** Interruptions of turns not yet arrived (the word came first): what the caller heard, by call and turn. */
  private heardEarly = new Map<string, { heard: string; at: string }>();

  constructor(
    private readonly host: CallsHost,
    carried: CallRef | null,
  ) {
    this.active = carried;
  }

  started(call: CallRef): void {
    this.active = call;
    this.host.setTarget(voiceTarget(call));
  }

  async answer(request: VoiceTurnRequest): Promise<VoiceTurnResult> {
    // A turn is known from its arrival, so the caller talking over it while its prompt is recorded (or before it
    // arrived at all) stops it, and prompts are taken in the order the caller said them, whatever order their turns
    // reach the workflow in. Runs started before this version knew a turn once recorded, lost such word, and let
    // the later-arriving of two crossed turns supersede the other.
    const knownOnArrival = patched('voice-turn-known-on-arrival');
    if (knownOnArrival) {
      if (request.receivedAt < this.newestReceivedAt) {
        // Said before a turn already taken: what the caller said is kept, and the newer turn answers.
        await this.host.record(promptMessage(request));
        return { text: '', outcome: 'interrupted' };
      }
      this.newestReceivedAt = request.receivedAt;
    }
    // A newer prompt supersedes the reply still being written; that turn keeps what the caller heard of it.
    const previous = this.turn;
    previous?.scope.cancel();
    if (this.active?.callSid !== request.callSid) this.started(request);
    const target = voiceTarget(request);
    this.host.setTarget(target);
    const turn: Turn = { turnId: request.turnId, call: request, finished: false, scope: new CancellationScope(), heard: null, heardAt: null, messageId: null };
    if (knownOnArrival) this.begin(turn, { early: true });
    try {
      const recorded = await this.host.record(promptMessage(request));
      if (!recorded || this.host.personHasIt()) return { text: '', outcome: 'silent' };
      if (!knownOnArrival) this.begin(turn, { early: false });
      // The reply is written from the conversation as the caller knows it: what they heard of the last one included.
      await condition(() => (previous === null || previous.finished) && this.recording === 0);
      // Talked over before its reply began: there is nothing of it to keep, and nothing is written.
      if (knownOnArrival && turn.heard !== null) return { text: '', outcome: 'interrupted' };
      const context = liveTurnContext(this.host, 'voice', request.turnId, target);
      const reply = await turn.scope.run(() => replyTurn(context, recorded.messageId));
      if (!reply || reply.kind === 'handoff') {
        const reason = reply?.reason ?? modelUnavailable;
        await this.host.deliver({ notice: reply ? 'callTransfer' : 'fallback', author: 'system' }, target);
        const taskId = this.host.openHandoff(reason);
        await endCall({ ...this.ref(request), handoffData: { reason: 'handoff', taskId, summary: reason } });
        return { text: '', outcome: 'handoff' };
      }
      // The caller spoke again before the reply was recorded: as when cut off, only what they heard is kept.
      if (reply.superseded) return await this.keepOnlyHeard(request, turn, target);
      turn.messageId = reply.recordedAs ?? (await this.host.deliver({ text: reply.text, author: 'ai', streamedAt: reply.streamedAt ?? new Date().toISOString() }, target));
      // The caller may have cut in while the reply was being recorded.
      if (turn.heard !== null) await this.keepHeard(request, turn);
      return { text: reply.text, outcome: turn.heard === null ? 'answered' : 'interrupted' };
    } catch (error) {
      if (!isCancellation(error)) throw error;
      return await this.keepOnlyHeard(request, turn, target);
    } finally {
      turn.finished = true;
      if (this.turn === turn) this.turn = null;
    }
  }

  /** The turn is the one being answered; an interruption that came before it (`early`) applies to it now. */
  private begin(turn: Turn, { early }: { early: boolean }): void {
    this.turn = turn;
    this.recent = [...this.recent.slice(-3), turn];
    const key = `${turn.call.callSid}:${turn.turnId}`;
    const heard = this.heardEarly.get(key);
    if (!early || !heard) return;
    this.heardEarly.delete(key);
    turn.heard = heard.heard;
    turn.heardAt = heard.at;
  }

  /** Cut off while the reply was being written: what the caller heard is all there is of it. */
  private async keepOnlyHeard(request: CallRef, turn: Turn, target: ReplyTarget): Promise<VoiceTurnResult> {
    if (turn.heard) {
      turn.messageId = await this.host.deliver({ text: turn.heard, author: 'ai', streamedAt: turn.heardAt ?? new Date().toISOString() }, target);
      await this.keepHeard(request, turn);
    }
    return { text: turn.heard ?? '', outcome: 'interrupted' };
  }

  /** The caller cut in on `turnId`'s reply: stop writing it, and keep only what they heard. */
  async interrupted({ callSid, turnId, heard, at }: Interruption): Promise<void> {
    const turn = this.recent.find((t) => t.turnId === turnId && t.call.callSid === callSid);
    if (!turn) {
      // The word came before the turn did (both waited for a worker): the turn takes it when it arrives.
      if (this.heardEarly.size >= 4) this.heardEarly.delete(this.heardEarly.keys().next().value ?? '');
      this.heardEarly.set(`${callSid}:${turnId}`, { heard, at });
      return;
    }
    if (turn.heard !== null) return;
    turn.heard = heard;
    turn.heardAt = at;
    if (!turn.finished && turn.messageId === null) {
      // Still being written: the turn's handler keeps what was heard once the writing stops.
      turn.scope.cancel();
      return;
    }
    this.recording += 1;
    try {
      // A newer prompt may have stopped it before word came of what the caller heard.
      if (turn.messageId) await this.keepHeard(turn.call, turn);
      else await this.keepOnlyHeard(turn.call, turn, voiceTarget(turn.call));
    } finally {
      this.recording -= 1;
    }
  }

  /** The call is over: replies go back to text, and a summary of the call joins the conversation. */
  async ended({ callSid }: { callSid: string }): Promise<void> {
    const call = this.active;
    if (call?.callSid === callSid) {
      this.turn?.scope.cancel();
      this.active = null;
      this.host.afterCall(call);
    }
    await summarizeCall(this.ref({ callSid }));
  }

  private async keepHeard(call: Pick<CallRef, 'callSid'>, turn: Turn): Promise<void> {
    if (!turn.messageId || turn.heard === null) return;
    await recordInterruption({ ...this.ref(call), messageId: turn.messageId, heard: turn.heard });
  }

  private ref(call: Pick<CallRef, 'callSid'>) {
    return { conversationId: this.host.conversationId, tenantId: this.host.tenantId, callSid: call.callSid };
  }
}
