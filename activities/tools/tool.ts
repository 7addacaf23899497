import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Channel } from '../../domain/channels';
import type { Database } from '../../db/schema';
import type { SecretBox } from '../../config/secrets';
import type { Embedder } from '../knowledge/embeddings';

/** What a tool reads or changes, and on whose behalf. */
export interface ToolContext {
  /** The database; for a write tool, the transaction its outcome is recorded in, so both land or neither does. */
  db: Kysely<Database>;
  tenantId: string;
  conversationId: string;
  /** The person the conversation is with: a customer sees and changes only what is theirs. */
  contactKey: string;
  channel: Channel | null;
  /** The tenant's IANA time zone (dates the customer says are days there). */
  timeZone: string;
  now: Date;
  /** The call's key from the workflow, the same for every attempt (a company's API gets it as `Idempotency-Key`). */
  callKey: string;
  /** A company's API may sit on a loopback or private address (TOOLS_ALLOW_PRIVATE_URLS). */
  allowPrivateUrls: boolean;
  /** Opens a company's API's sealed signing secret (SECRETS_KEY); null where the service has no key. */
  secrets: SecretBox | null;
  /** Knowledge search by meaning; null: full text alone. */
  embedder: Embedder | null;
  /** Aborted when the activity is cancelled. */
  signal?: AbortSignal;
  /**
   * A write's message to someone (a seller told of a lead): kept with the call's outcome and sent by SMS through the
   * outbox once the effect committed, so it goes out once, even when the call is retried.
   */
  notify(notification: ToolNotification): Promise<void>;
}

export interface ToolNotification {
  /** Fixed by the effect (a lead's id): the outbox row's, so a repeat is recognised. */
  id: string;
  /** E.164 */
  phone: string;
  text: string;
}

/** What the model reads back: a JSON object (`{ error }` when the call was refused), or text. */
export type ToolResult = Record<string, unknown> | string;

/** A refusal the model reads and can act on (another date, another slot): nothing was written. */
export function refused(words: string): { error: string } {
  return { error: words };
}

/**
 * How the workflow treats a tool. `read` and `write` run in an activity: reads are retried freely, writes through
 * the exactly-once path (`activities/tool-runs.ts`). `control` tools change the conversation itself
 * (`handoff_to_human`) and `display` tools only shape the reply (`show_options`): the workflow handles both.
 */
export type ToolKind = 'read' | 'write' | 'control' | 'display';

/**
 * `core` tools every tenant has on unless it turned them off; the others come in packs a tenant turns on, and
 * `custom` ones are a tenant's own APIs (on once declared).
 */
export type ToolPack = 'core' | 'bookings' | 'orders' | 'marketplace' | 'business' | 'custom';

export interface ToolDefinition<Args extends Record<string, unknown> = Record<string, unknown>> {
  name: string;
  description: string;
  /** The arguments, checked before anything runs; the model's JSON schema is generated from it. */
  args: z.ZodType<Args>;
  /** The model's JSON schema when it was given as such (a declared API), not generated. */
  parameters?: Record<string, unknown>;
  /** What a declared API is (where, how, with which secret): a call approved for one is refused by another. */
  fingerprint?: string;
  kind: ToolKind;
  pack: ToolPack;
  /** A person approves each call before it runs. */
  approval?: boolean;
  /** The channels it is offered on; all when absent. */
  channels?: readonly Channel[];
  /** Runs it (`read` and `write` tools); for `control` and `display` tools, what the model is told. */
  run(args: Args, context: ToolContext): Promise<ToolResult>;
}

/** Declares a tool, keeping its argument type for `run` (the registry holds them all as one type). */
export function defineTool<Args extends Record<string, unknown>>(tool: ToolDefinition<Args>): ToolDefinition {
  return tool as unknown as ToolDefinition;
}
