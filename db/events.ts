import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import pg from 'pg';
import type { ConversationEvent } from '../domain/conversation-events';
import type { Database } from './schema';

/** What screens and streams need to know changed (`domain/conversation-events.ts`). */
export type { ConversationEvent };

/**
 * What only the process serving a conversation live needs (a call's socket, a visitor's stream): the tokens of a
 * reply as the model writes them, a text to speak, the end of a call. Carried on the conversation's own channel
 * only, never through workflow history.
 */
export type StreamEvent =
  /** `attempt`: the reply activity's attempt; a retried attempt writes the reply again from the start. */
  | { type: 'token'; conversationId: string; turnId: string; attempt: number; seq: number; text: string }
  | { type: 'turn_end'; conversationId: string; turnId: string; attempt: number; seq: number }
  | { type: 'say'; conversationId: string; callSid: string; messageId: string; text: string }
  | { type: 'call_end'; conversationId: string; callSid: string; handoffData: string };

export type BusEvent = ConversationEvent | StreamEvent;

/** Every tenant's events, for agents' screens. */
const tenantChannel = 'conversation_events';

/** The channel of one conversation's events (a hash: channel names are identifiers of at most 63 bytes). */
export function conversationChannel(conversationId: string): string {
  return `conversation_${createHash('sha256').update(conversationId).digest('hex').slice(0, 40)}`;
}

/**
 * The notification as an SQL expression, to send it from inside the statement that makes the change (one round
 * trip, not two): on the tenants' channel and on the conversation's own. Like every NOTIFY it is delivered when that
 * statement's transaction commits, and not otherwise.
 */
export function notifyExpression(event: ConversationEvent): RawBuilder<unknown> {
  const payload = JSON.stringify(event);
  // Typing is of the moment: nothing is kept, and a stream that reconnects has nothing of it to catch up on.
  if (event.type === 'typing') return sql`row(pg_notify(${tenantChannel}, ${payload}), pg_notify(${conversationChannel(event.conversationId)}, ${payload}))`;
  return sql`publish_agent_event(${payload}::jsonb, ${conversationChannel(event.conversationId)})`;
}

/** The most events a reconnecting stream is sent again; past it, the reader reloads instead. */
export const catchUpLimit = 1000;

/** A tenant's logged events after `afterId` (a stream's Last-Event-ID), oldest first, each with its `eventId`. */
export async function eventsSince(db: Kysely<Database>, tenantId: string, afterId: number, limit = catchUpLimit): Promise<LoggedEvent[]> {
  // Events are numbered when written but delivered when their transaction commits, so one numbered a little before
  // the last one seen may have arrived after it: the few seconds before it are sent again and readers skip the
  // numbers they have (`eventId`).
  const rows = await db
    .selectFrom('agent_events')
    .select(['id', 'payload'])
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        eb('id', '>', String(afterId)),
        eb('created_at', '>=', sql<Date>`(select created_at - interval '5 seconds' from agent_events where id = ${afterId})`),
      ]),
    )
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...(row.payload as ConversationEvent), eventId: Number(row.id) }));
}

/** An event as agents' streams carry it: numbered, except typing (kept nowhere). */
export type LoggedEvent = ConversationEvent & { eventId?: number };

export async function publishEvent(db: Kysely<Database>, event: ConversationEvent): Promise<void> {
  await sql`select ${notifyExpression(event)}`.execute(db);
}

/** Publishes to whoever follows the conversation live (NOTIFY payloads are limited to 8000 bytes). */
export async function publishToConversation(db: Kysely<Database>, event: StreamEvent): Promise<void> {
  await sql`select pg_notify(${conversationChannel(event.conversationId)}, ${JSON.stringify(event)})`.execute(db);
}

type Listener = (event: BusEvent) => void;

/**
 * Follows conversation events across processes over one LISTEN connection: a tenant's (agents' screens) or one
 * conversation's (a call's socket, a visitor's stream). A conversation's channel is listened to only while someone
 * follows it, so a process hears only the conversations it serves. Reconnects after a database restart.
 */
export class EventBus {
  private readonly listeners = new Map<string, Set<Listener>>();
  private client: pg.Client | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private commands: Promise<unknown> = Promise.resolve();
  private connected: Promise<void>;
  private markConnected: () => void = () => {};

  constructor(private readonly connectionString: string) {
    this.connected = new Promise((resolve) => (this.markConnected = resolve));
    void this.connect();
  }

  /** Resolves once every subscription made so far is live. */
  async ready(): Promise<void> {
    await this.connected;
    await this.commands;
  }

  subscribeTenant(tenantId: string, listener: (event: LoggedEvent) => void): () => void {
    return this.subscribe(tenantChannel, (event) => {
      if ('tenantId' in event && event.tenantId === tenantId) listener(event as LoggedEvent);
    });
  }

  subscribeConversation(conversationId: string, listener: Listener): () => void {
    return this.subscribe(conversationChannel(conversationId), (event) => {
      if (event.conversationId === conversationId) listener(event);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => {});
  }

  private subscribe(channel: string, listener: Listener): () => void {
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.command(`listen ${channel}`);
    }
    set.add(listener);
    return () => {
      const current = this.listeners.get(channel);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(channel);
      if (channel !== tenantChannel) this.command(`unlisten ${channel}`);
    };
  }

  /** LISTEN / UNLISTEN in order; while disconnected they wait for the reconnect, which listens to every channel. */
  private command(text: string): void {
    const client = this.client;
    if (!client) return;
    this.commands = this.commands.then(() => client.query(text)).catch(() => this.reconnect());
  }

  private async connect(): Promise<void> {
    const next = new pg.Client({ connectionString: this.connectionString });
    next.on('notification', (message) => {
      if (!message.payload) return;
      let event: BusEvent;
      try {
        event = JSON.parse(message.payload) as BusEvent;
      } catch {
        return; // Not ours to interpret.
      }
      for (const listener of this.listeners.get(message.channel) ?? []) listener(event);
    });
    next.on('error', () => this.reconnect());
    try {
      await next.connect();
      // Channels followed while this connects are picked up too: nothing awaits between the last check and
      // `this.client = next`, after which subscriptions listen themselves.
      const listened = new Set<string>();
      for (;;) {
        const missing = [tenantChannel, ...this.listeners.keys()].filter((channel) => !listened.has(channel));
        if (missing.length === 0) break;
        for (const channel of missing) {
          await next.query(`listen ${channel}`);
          listened.add(channel);
        }
      }
      if (this.closed) return void next.end().catch(() => {});
      this.client = next;
      this.markConnected();
    } catch {
      this.reconnect();
    }
  }

  private reconnect(): void {
    if (this.closed) return;
    void this.client?.end().catch(() => {});
    this.client = null;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.connect(), 1000);
  }
}
