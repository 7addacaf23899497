import { upsertSearchAttributes } from '@temporalio/workflow';
import { channelSet, type Channel, type ReplyTarget } from '../domain/channels';
import { searchAttributes, type CallRef, type InboundMessage, type RoutingState } from './definitions';

/**
 * Where the conversation's replies go and which channels the person used: one object, carried whole across
 * continue-as-new. Replies go to the newest message's target, or to the call under way; when a call ends, text
 * replies go back to the newest text target (or, after a call alone, to the caller's number by SMS).
 */
export class Routing {
  /** Where replies go now. */
  replyTarget: ReplyTarget | null;
  /** The channel of the newest message (the `Channel` search attribute). */
  latestChannel: Channel | null;
  /** Every channel the person used (the `Channels` search attribute). */
  channels: Channel[];
  /** Where text replies go when a call ends: the newest message's target that was not a call. */
  private textTarget: ReplyTarget | null;

  constructor(carried: RoutingState | null) {
    this.replyTarget = carried?.replyTarget ?? null;
    this.latestChannel = this.replyTarget?.channel ?? null;
    this.channels = carried?.channels ?? [];
    // Runs carried before the text target was carried derive it, as they did: lost during a call.
    this.textTarget = carried?.textTarget !== undefined ? carried.textTarget : this.replyTarget?.channel === 'voice' ? null : this.replyTarget;
  }

  /** Its part of the run's first search attributes. */
  attributes() {
    return [
      ...(this.replyTarget ? [{ key: searchAttributes.channel, value: this.replyTarget.channel }] : []),
      ...(this.channels.length > 0 ? [{ key: searchAttributes.channels, value: this.channels }] : []),
    ];
  }

  /** A customer message arrived: its channel is the newest, and a text message's sender is where replies go. */
  arrived(message: InboundMessage): void {
    if (message.channel !== this.latestChannel) {
      this.latestChannel = message.channel;
      upsertSearchAttributes([{ key: searchAttributes.channel, value: message.channel }]);
    }
    if (message.channel !== 'voice') {
      this.replyTarget = { channel: message.channel, address: message.from, sender: message.to };
      this.textTarget = this.replyTarget;
    }
  }

  /** Channels the person used (as recorded, this run's and earlier ones'). */
  used(seen: readonly string[]): void {
    const next = channelSet([...this.channels, ...seen]);
    if (next.length === this.channels.length) return;
    this.channels = next;
    upsertSearchAttributes([{ key: searchAttributes.channels, value: this.channels }]);
  }

  /** A live channel (a call, a chat) takes the replies. */
  setTarget(target: ReplyTarget): void {
    this.replyTarget = target;
  }

  /** The call is over: replies go back to text. */
  callEnded(call: CallRef): void {
    this.replyTarget = this.textTarget ?? { channel: 'sms', address: call.caller, sender: call.service };
  }

  /** The service's number the person last used (E.164), which outreach comes from; null before any. */
  serviceNumber(call: CallRef | null): string | null {
    return (this.textTarget?.sender ?? this.replyTarget?.sender ?? call?.service ?? null)?.replace(/^whatsapp:/, '') ?? null;
  }

  carried(): RoutingState {
    return { replyTarget: this.replyTarget, textTarget: this.textTarget, channels: this.channels };
  }
}
