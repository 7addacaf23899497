import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { ConversationClient } from './conversation-client';
import type { Config } from '../config';
import type { Logger } from '../config/logger';
import type { EventBus } from '../db/events';
import type { Database } from '../db/schema';
import type { Embedder } from '../activities/knowledge/embeddings';
import type { TwilioAccounts } from '../worker/twilio-accounts';

export interface ApiDeps {
  config: Config;
  db: Kysely<Database>;
  /** The Temporal connection, for readiness checks; conversations are reached through `conversations`. */
  temporal: Client;
  conversations: ConversationClient;
  log: Logger;
  /** Changes published by any worker, for the agents' live views and a conversation's own streams. */
  events: EventBus;
  /** Knowledge search by meaning, and embedding documents added through the API; null: full text alone. */
  embedder: Embedder | null;
  /**
   * Each tenant's Twilio account: the token its webhooks are signed with, and the client for what agents read from
   * it (WhatsApp templates); sending is the worker's.
   */
  twilioAccounts: TwilioAccounts;
}
