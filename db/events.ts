import { sql, type Kysely, type RawBuilder } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

/**
 * What agents' screens need to know changed. Carried by Postgres NOTIFY, so every API process sees every change
 * whichever worker made it. Payloads hold ids only (NOTIFY is limited to 8000 bytes); screens fetch the rest.
 */
export type ConversationEvent =
  | { type: 'message'; tenantId: string; conversationId: string; messageId: string }
  | { type: 'handoff'; tenantId: string; conversationId: string; taskId: string; status: string };

const channel = 'conversation_events';

export async function publishEvent(db: Kysely<Database>, event: ConversationEvent): Promise<void> {
  await sql`select ${notifyExpression(event)}`.execute(db);
}

/**
 * The notification as an SQL expression, to send it from inside the statement that makes the change (one round
 * trip, not two). Like every NOTIFY it is delivered when that statement's transaction commits, and not otherwise.
 */
export function notifyExpression(event: ConversationEvent): RawBuilder<unknown> {
  return sql`pg_notify(${channel}, ${JSON.stringify(event)})`;
}

export interface EventListener {
  close(): Promise<void>;
}

/** One LISTEN connection per process, reconnecting after a database restart. */
export function listenForEvents(connectionString: string, onEvent: (event: ConversationEvent) => void): EventListener {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    const next = new pg.Client({ connectionString });
    next.on('notification', (message) => {
      if (message.channel !== channel || !message.payload) return;
      try {
        onEvent(JSON.parse(message.payload) as ConversationEvent);
      } catch {
        // Not ours to interpret.
      }
    });
    next.on('error', () => reconnect());
    try {
      await next.connect();
      await next.query(`listen ${channel}`);
      if (closed) return void next.end().catch(() => {});
      client = next;
    } catch {
      reconnect();
    }
  };
  const reconnect = () => {
    if (closed) return;
    void client?.end().catch(() => {});
    client = null;
    clearTimeout(retry);
    retry = setTimeout(() => void connect(), 1000);
  };
  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
