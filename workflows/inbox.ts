import { ActivityFailure, log, patched } from '@temporalio/workflow';
import type { RecordInboundResult } from '../activities/inbound';
import { isMessaging } from '../domain/channels';
import { keywordOf } from '../domain/keywords';
import { recordInbound } from './activity-proxies';
import { rememberId } from './batching';
import type { InboundMessage } from './definitions';
import type { IdleTimer } from './idle';
import type { Routing } from './routing';
import type { TextBatch } from './text-batch';

/** Provider message ids remembered for de-duplication: a retried webhook arrives within minutes, not thousands of messages later. */
const dedupeWindow = 500;

/** What the conversation lends its inbox. */
export interface InboxHost {
  conversationId: string;
  tenantId: string;
  contactKey: string;
  routing: Routing;
  batch: TextBatch;
  idle: IdleTimer;
  /** A person has the conversation: messages are theirs, not the AI's. */
  personHasIt(): boolean;
  /** Answers HELP with the service's text. */
  help(): Promise<unknown>;
}

/**
 * The customer's messages as they arrive, whatever the channel: each recorded once (de-duplicated on the provider's
 * id), in the order they arrived, before any batching.
 */
export class Inbox {
  /** Workflow time of the newest message. */
  lastActivityAt: number | null = null;
  /** The customer's messages being recorded, one after another. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly host: InboxHost,
    private recentIds: string[],
  ) {}

  /** The de-duplication window, carried across continue-as-new. */
  get recentProviderIds(): string[] {
    return this.recentIds;
  }

  /**
   * Records a customer message; a message seen before changes nothing and returns null, as does one the database
   * refused (kept as refused, not answered). Text messages are queued for the next batch (`queue`); a call's turns
   * and a chat's messages are answered by their update.
   */
  async record(message: InboundMessage, { queue }: { queue: boolean }): Promise<{ messageId: string } | null> {
    const { batch, routing, idle } = this.host;
    if (this.recentIds.includes(message.providerMessageId)) return null;
    this.recentIds = rememberId(this.recentIds, message.providerMessageId, dedupeWindow);
    // During a handoff messages are recorded for the agent, not queued for the AI.
    const entry = batch.arrived(message, { queued: queue && !this.host.personHasIt() });
    this.lastActivityAt = entry.arrivedAt;
    if (!queue) idle.touch();
    routing.arrived(message);
    let recorded: RecordInboundResult;
    try {
      const { conversationId, tenantId, contactKey } = this.host;
      recorded = await this.inOrder(() => recordInbound({ conversationId, tenantId, contactKey, message }));
    } catch (error) {
      // Not retryable (data no attempt can store, not even as refused): dropped, and the conversation goes on.
      if (!(error instanceof ActivityFailure)) throw error;
      log.warn('customer message not recorded', { error: error.cause?.message ?? error.message });
      batch.drop(entry);
      return null;
    }
    routing.used([...recorded.channels, message.channel]);
    // Carrier keywords mean something in text messages only; a caller saying "stop" is just talking.
    const keyword = isMessaging(message.channel) ? keywordOf(message.body) : null;
    // A message kept as refused is not answered.
    const unanswered = recorded.duplicate || recorded.refused === true;
    // Opt-out keywords are handled by recordInbound (and by the carrier's own replies), never by a model turn.
    if (unanswered || keyword) batch.drop(entry);
    else batch.recorded(entry, { messageId: recorded.messageId, optedOut: recorded.optedOut });
    if (!unanswered && keyword === 'help') await this.host.help();
    return unanswered ? null : { messageId: recorded.messageId };
  }

  /**
   * Messages are recorded one after another, in the order they arrived: START and the question right behind it must
   * not race, or the question is read as still opted out. Runs started before this version recorded them side by
   * side.
   */
  private inOrder<T>(write: () => Promise<T>): Promise<T> {
    if (!patched('inbound-recorded-in-order')) return write();
    const next = this.writes.then(write);
    this.writes = next.catch(() => undefined);
    return next;
  }
}
