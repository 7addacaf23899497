import type { ReplyTarget } from '../../domain/channels';
import type { TemplateUse } from '../../domain/whatsapp-template';

/** One part of a reply, as the outbox wrote it before handing it to its channel. */
export interface OutboundPart {
  /** The outbox row id: stable across attempts. */
  id: string;
  /** Whose account sends it (a tenant's own Twilio account, or the deployment's). */
  tenantId: string;
  conversationId: string;
  target: ReplyTarget;
  body: string;
  /** The customer already got this text live, token by token, while it was written (a call, a web visitor). */
  streamed: boolean;
  /** Sent as this approved template (WhatsApp); `body` is what it reads. */
  template?: TemplateUse;
}

export interface Accepted {
  /** The channel's id for the delivered part (Twilio's MessageSid). */
  providerMessageId: string;
  /** The channel's first status for it (`queued`, `accepted`, ...). */
  status: string;
}

/** A refusal no retry can change; the outbox records it on the row with a readable reason. */
export class DeliveryRejected extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
    /** The refusal means the person opted out of the channel (Twilio 21610): the opt-out is recorded too. */
    readonly optedOut = false,
  ) {
    super(reason);
    this.name = 'DeliveryRejected';
  }
}

/**
 * A channel's part of delivering a reply: the outbox, opt-out and retries are the engine's (`outbound.ts`); an
 * adapter only hands a part to its channel. Throws `DeliveryRejected` for a final refusal, anything else for a
 * failure worth retrying.
 */
export interface DeliveryAdapter {
  /** Who delivers (`twilio`), for the records. */
  provider: string;
  /** Longest body one part may carry; longer replies are split on sentence ends. */
  maxPartChars: number;
  deliver(part: OutboundPart): Promise<Accepted>;
  /**
   * After an attempt whose answer was lost (a dropped connection, a timeout, a failure right after): the channel's
   * ids of parts it accepted since `since` that look like this one, newest first. The outbox takes the first one no
   * other row claims, instead of delivering the part a second time.
   */
  acceptedSince(part: OutboundPart, since: Date): Promise<string[]>;
}
