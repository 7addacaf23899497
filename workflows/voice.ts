import { CancellationScope, condition, isCancellation, patched } from '@temporalio/workflow';
import type { ReplyTarget } from '../domain/channels';
import { endCall, recordInterruption, summarizeCall } from './activity-proxies';
import type { CallRef, InboundMessage, Interruption, VoiceTurnRequest, VoiceTurnResult } from './definitions';
import { liveTurnContext, replyTurn, settleTurn, type LiveChannelHost } from './reply-turn';

/** What the conversation lends its calls, besides what every live channel gets: where texts go after. */
export interface CallsHost extends LiveChannelHost {
  /** Where replies go once the call is over: the caller's number by text. */
  afterCall(call: CallRef): void;
}

/**
 * Where a turn is: `arriving` (its prompt being recorded, then waiting for the turn before it), `writing` (its reply
 * streaming to the caller), `over` (its handler is done). Until its reply is recorded (`messageId`), cutting in on a
 * turn stops it and its handler keeps what was heard; after, what was heard is written over the recorded reply.
 */
type Phase = 'arriving' | 'writing' | 'over';

/** What the caller had heard of a turn's reply when they cut in, and when. */
interface Cut {
  heard: string;
  at: string;
}

interface Turn {
  turnId: string;
  call: CallRef;
  phase: Phase;
  scope: CancellationScope;
  /** Set once the caller cut in; never changes after. */
  cut: Cut | null;
  /** The recorded reply, once there is one. */
  messageId: string | null;
}

/** The turn's reply is not recorded and its handler may still stop it. */
const unrecorded = (turn: Turn) => turn.phase !== 'over' && turn.messageId === null;

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
  /** Cuts into turns not yet arrived (the word came first), by call and turn. */
  private cutEarly = new Map<string, Cut>();

  constructor(
    private readonly host: CallsHost,
    carried: CallRef | null,
  ) {
    this.active = carried;
  }

  /** When a call last connected or ended (workflow time; 0 before any). */
  changedAt = 0;

  started(call: CallRef): void {
    this.active = call;
    this.changedAt = Date.now();
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
    const turn: Turn = { turnId: request.turnId, call: request, phase: 'arriving', scope: new CancellationScope(), cut: null, messageId: null };
    if (knownOnArrival) this.begin(turn, { early: true });
    try {
      const recorded = await this.host.record(promptMessage(request));
      if (!recorded || this.host.personHasIt()) return { text: '', outcome: 'silent' };
      if (!knownOnArrival) this.begin(turn, { early: false });
      // The reply is written from the conversation as the caller knows it: what they heard of the last one included.
      await condition(() => (previous === null || previous.phase === 'over') && this.recording === 0);
      // Talked over before its reply began: there is nothing of it to keep, and nothing is written.
      if (knownOnArrival && turn.cut !== null) return { text: '', outcome: 'interrupted' };
      turn.phase = 'writing';
      const context = liveTurnContext(this.host, 'voice', request.turnId, target);
      const reply = await turn.scope.run(() => replyTurn(context, recorded.messageId));
      // A call hears the service's transfer text, whatever the model would have said.
      const outcome = await settleTurn(reply, this.host, target, { live: true, handoffNotice: 'callTransfer' });
      if (outcome.kind === 'handoff') {
        await endCall({ ...this.ref(request), handoffData: { reason: 'handoff', taskId: outcome.taskId, summary: outcome.reason } });
        return { text: '', outcome: 'handoff' };
      }
      // The caller spoke again before the reply was recorded: as when cut off, only what they heard is kept. (A call
      // is never screened: the inbound policy is for texts.)
      if (outcome.kind !== 'answered') return await this.keepOnlyHeard(request, turn, target);
      turn.messageId = outcome.messageId;
      // The caller may have cut in while the reply was being recorded.
      if (turn.cut !== null) await this.keepHeard(request, turn);
      return { text: outcome.text, outcome: turn.cut === null ? 'answered' : 'interrupted' };
    } catch (error) {
      if (!isCancellation(error)) throw error;
      return await this.keepOnlyHeard(request, turn, target);
    } finally {
      turn.phase = 'over';
      if (this.turn === turn) this.turn = null;
    }
  }

  /** The turn is the one being answered; an interruption that came before it (`early`) applies to it now. */
  private begin(turn: Turn, { early }: { early: boolean }): void {
    this.turn = turn;
    this.recent = [...this.recent.slice(-3), turn];
    const key = `${turn.call.callSid}:${turn.turnId}`;
    const cut = this.cutEarly.get(key);
    if (!early || !cut) return;
    this.cutEarly.delete(key);
    turn.cut = cut;
  }

  /** Cut off while the reply was being written: what the caller heard is all there is of it. */
  private async keepOnlyHeard(request: CallRef, turn: Turn, target: ReplyTarget): Promise<VoiceTurnResult> {
    if (turn.cut?.heard) {
      turn.messageId = await this.host.deliver({ text: turn.cut.heard, author: 'ai', streamedAt: turn.cut.at }, target);
      await this.keepHeard(request, turn);
    }
    return { text: turn.cut?.heard ?? '', outcome: 'interrupted' };
  }

  /** The caller cut in on `turnId`'s reply: stop writing it, and keep only what they heard. */
  async interrupted({ callSid, turnId, heard, at }: Interruption): Promise<void> {
    const turn = this.recent.find((t) => t.turnId === turnId && t.call.callSid === callSid);
    if (!turn) {
      // The word came before the turn did (both waited for a worker): the turn takes it when it arrives.
      if (this.cutEarly.size >= 4) this.cutEarly.delete(this.cutEarly.keys().next().value ?? '');
      this.cutEarly.set(`${callSid}:${turnId}`, { heard, at });
      return;
    }
    if (turn.cut !== null) return;
    turn.cut = { heard, at };
    if (unrecorded(turn)) {
      // Still arriving or being written: the turn's handler keeps what was heard once the writing stops.
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
    this.changedAt = Date.now();
    if (call?.callSid === callSid) {
      this.turn?.scope.cancel();
      this.active = null;
      this.host.afterCall(call);
    }
    await summarizeCall(this.ref({ callSid }));
  }

  private async keepHeard(call: Pick<CallRef, 'callSid'>, turn: Turn): Promise<void> {
    if (!turn.messageId || turn.cut === null) return;
    await recordInterruption({ ...this.ref(call), messageId: turn.messageId, heard: turn.cut.heard });
  }

  private ref(call: Pick<CallRef, 'callSid'>) {
    return { conversationId: this.host.conversationId, tenantId: this.host.tenantId, callSid: call.callSid };
  }
}
