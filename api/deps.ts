import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Config } from '../config';
import type { Logger } from '../config/logger';
import type { Database } from '../db/schema';
import type { EventHub } from './events';

export interface ApiDeps {
  config: Config;
  db: Kysely<Database>;
  temporal: Client;
  log: Logger;
  /** Changes published by any worker, for the agents' live views. */
  events: EventHub;
}
