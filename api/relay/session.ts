import type { Kysely } from 'kysely';
import type { WebSocket } from 'ws';
import { readFrame, type AppFrame, type RelayFrame, type SetupFrame } from './frames';
import type { ConversationClient, ConversationKey } from '../conversation-client';
import { parseAddress } from '../contacts';
import { LiveReply } from '../live-reply';
import type { Logger } from '../../config/logger';
import { defaultServiceTexts } from '../../domain/texts';
import type { BusEvent, EventBus } from '../../db/events';
import { bindRelaySession, recordTurnPrompt, recordTurnTiming } from '../../db/repositories/calls';
import type { Database } from '../../db/schema';
import type { CallRef, VoiceTurnResult } from '../../workflows/definitions';

export interface RelaySessionDeps {
  db: Kysely<Database>;
  events: EventBus;
  conversations: ConversationClient;
  log: Logger;
}

/** A turn whose reply the caller is hearing (or about to). */
interface LiveTurn {
  turnId: string;
  /** What the caller got of the reply; stopped once they cut in or a newer prompt came. */
  reply: LiveReply;
  /** `last: true` was sent. */
  ended: boolean;
  /** When the first token went to the caller (written with the turn's end, one write per turn). */
  firstTokenAt: Date | null;
}

interface CallBinding extends CallRef {
  key: ConversationKey;
  conversationId: string;
}

/**
 * One ConversationRelay session: a phone call bound to its caller's conversation. Each final prompt (or key press)
 * is a turn of the conversation's workflow; the reply's tokens arrive on the conversation's event channel and go to
 * Twilio as they come. When the caller cuts in, forwarding stops at once and the workflow keeps only what they heard.
 * A frame this session cannot read is logged and dropped; the call goes on.
 */
export class RelaySession {
  private call: CallBinding | null = null;
  private turns = 0;
  private turn: LiveTurn | null = null;
  private unsubscribe: (() => void) | null = null;
  /** Setup and prompts are handled in order; a turn's reply is not waited for before reading the next frame. */
  private inOrder: Promise<void> = Promise.resolve();

  constructor(
    private readonly ws: WebSocket,
    private readonly deps: RelaySessionDeps,
    /** The call this socket's signed URL names: the only one its setup may bind. */
    private readonly callSid: string,
  ) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.deps.log.warn('relay: binary frame dropped');
      const read = readFrame(String(data));
      if ('problem' in read) return this.deps.log.warn('relay: frame dropped', { problem: read.problem, callSid: this.call?.callSid });
      this.inOrder = this.inOrder.then(() => this.handle(read.frame)).catch((error: unknown) => this.fail(error));
    });
    ws.on('close', () => this.unsubscribe?.());
    ws.on('error', (error) => this.deps.log.warn('relay: socket error', { error: String(error), callSid: this.call?.callSid }));
  }

  private async handle(frame: RelayFrame): Promise<void> {
    switch (frame.type) {
      case 'setup':
        return this.setup(frame);
      case 'prompt':
        if (frame.last) await this.startTurn('speech', frame.voicePrompt);
        return;
      case 'dtmf':
        return this.startTurn('dtmf', frame.digit);
      case 'interrupt':
        return this.interrupted(frame.utteranceUntilInterrupt);
      case 'error':
        this.deps.log.warn('relay: Twilio reported an error', { description: frame.description, callSid: this.call?.callSid });
    }
  }

  /**
   * Binds the session, once, to the call Twilio announced to the signed voice webhook, as recorded then: the frame
   * only names the call, and must name the one the socket's signed URL names. A setup for another call, for one
   * that was never announced or is over, or for one whose session is bound already (a replay) is refused and the
   * socket closed.
   */
  private async setup(frame: SetupFrame): Promise<void> {
    if (this.call) return;
    const { db, events, conversations, log } = this.deps;
    const recorded = frame.callSid === this.callSid ? await bindRelaySession(db, frame.callSid, frame.sessionId) : undefined;
    if (!recorded) {
      log.warn('relay: setup refused: not the call the socket was opened for, never announced, over or bound already', { callSid: frame.callSid });
      this.ws.close(1008, 'unknown call');
      return;
    }
    const key = { tenantId: recorded.tenant_id, contactKey: recorded.contact_key };
    const serviceAddress = recorded.direction === 'outbound' ? recorded.from_address : recorded.to_address;
    const service = parseAddress(serviceAddress)?.contactKey ?? serviceAddress;
    this.call = { key, conversationId: recorded.conversation_id, callSid: frame.callSid, caller: recorded.contact_key, service };
    this.unsubscribe = events.subscribeConversation(recorded.conversation_id, (event) => this.onEvent(event));
    await events.ready();
    await conversations.callStarted(key, { callSid: frame.callSid, caller: recorded.contact_key, service });
  }

  private async startTurn(kind: 'speech' | 'dtmf', prompt: string): Promise<void> {
    const call = this.call;
    if (!call) return this.deps.log.warn('relay: a turn before setup was dropped');
    if (kind === 'speech' && !prompt.trim()) return;
    // A newer prompt supersedes the reply still playing: the caller heard what was sent of it.
    const previous = this.turn;
    if (previous && !previous.reply.stopped && !previous.ended) await this.stopTurn(previous, previous.reply.forwarded);
    const turnId = `t${(this.turns += 1)}`;
    const turn: LiveTurn = { turnId, reply: new LiveReply(turnId), ended: false, firstTokenAt: null };
    this.turn = turn;
    const receivedAt = new Date();
    this.record(recordTurnPrompt(this.deps.db, { callSid: call.callSid, turnId, prompt, at: receivedAt }));
    this.deps.conversations
      .voiceTurn(call.key, { callSid: call.callSid, caller: call.caller, service: call.service, turnId, kind, prompt, receivedAt: receivedAt.toISOString() })
      .then(
        (result) => this.turnAnswered(turn, result),
        (error: unknown) => {
          // A caller who hung up no longer waits for this turn.
          if (this.ws.readyState !== this.ws.OPEN) return;
          const cause = error instanceof Error && error.cause ? ` (${String(error.cause)})` : '';
          this.deps.log.error('relay: voice turn failed', { error: `${String(error)}${cause}`, callSid: call.callSid, turnId });
          if (!turn.reply.stopped && !turn.ended) this.finishTurn(turn, defaultServiceTexts.fallback);
        },
      );
  }

  /** The turn is recorded. If its tokens were lost on the way, the caller still gets the rest of the reply. */
  private turnAnswered(turn: LiveTurn, result: VoiceTurnResult): void {
    if (turn.reply.stopped || turn.ended || result.outcome !== 'answered') return;
    this.finishTurn(turn, turn.reply.rest(result.text));
  }

  private async interrupted(heard: string): Promise<void> {
    const turn = this.turn;
    if (turn) await this.stopTurn(turn, heard);
  }

  /**
   * Nothing more of this turn reaches the caller; the workflow keeps what they heard. Frames wait for the word to
   * reach the conversation, so the next prompt's turn is written knowing what the caller heard of this one.
   */
  private async stopTurn(turn: LiveTurn, heard: string): Promise<void> {
    const call = this.call;
    if (!call) return;
    turn.reply.stopped = true;
    const at = new Date();
    this.record(recordTurnTiming(this.deps.db, call.callSid, turn.turnId, { firstTokenAt: turn.firstTokenAt ?? undefined, interruptedAt: at }));
    await this.deps.conversations
      .interrupt(call.conversationId, { callSid: call.callSid, turnId: turn.turnId, heard, at: at.toISOString() })
      .catch((error: unknown) => this.deps.log.warn('relay: interruption not handed to the conversation', { error: String(error) }));
  }

  private onEvent(event: BusEvent): void {
    switch (event.type) {
      case 'token':
        return this.onToken(event);
      case 'turn_end': {
        const turn = this.turn;
        if (turn && !turn.ended && turn.reply.ends(event)) this.finishTurn(turn, '');
        return;
      }
      case 'say':
        if (event.callSid === this.call?.callSid) this.send({ type: 'text', token: event.text, last: true });
        return;
      case 'call_end':
        if (event.callSid === this.call?.callSid) this.send({ type: 'end', handoffData: event.handoffData });
        return;
      default:
        return;
    }
  }

  /** Forwards a token of the turn the caller is waiting for. */
  private onToken(event: { turnId: string; attempt: number; text: string }): void {
    const turn = this.turn;
    if (!turn || turn.ended) return;
    const fresh = turn.reply.take(event);
    if (!fresh) return;
    turn.firstTokenAt ??= new Date();
    this.send({ type: 'text', token: fresh, last: false });
  }

  private finishTurn(turn: LiveTurn, rest: string): void {
    turn.ended = true;
    this.send({ type: 'text', token: rest, last: true });
    const lastTokenAt = new Date();
    if (this.call) {
      this.record(recordTurnTiming(this.deps.db, this.call.callSid, turn.turnId, { firstTokenAt: turn.firstTokenAt ?? lastTokenAt, lastTokenAt }));
    }
  }

  private send(frame: AppFrame): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(frame));
  }

  /** Call records are the read model's: a failure to write one is logged, never felt on the call. */
  private record(write: Promise<unknown>): void {
    write.catch((error: unknown) => this.deps.log.warn('relay: call record not written', { error: String(error), callSid: this.call?.callSid }));
  }

  private fail(error: unknown): void {
    this.deps.log.error('relay: frame handling failed', { error: String(error), callSid: this.call?.callSid });
  }
}
