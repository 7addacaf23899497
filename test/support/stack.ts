import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { loadConfig, type Config } from '../../config';
import { createLogger } from '../../config/logger';
import { createDb } from '../../db/connection';
import { createAgent } from '../../db/repositories/agents';
import { signedForm } from '../../devkit/twilio-signing';
import type { Database } from '../../db/schema';
import { startService, type RunningService } from '../../worker/service';
import { conversationWorkflowId } from '../../api/conversation-client';
import { snapshotQuery } from '../../workflows/definitions';
import { RelayCaller, type CallerOptions } from '../fakes/conversation-relay';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai';
import { startFakeTwilio, type FakeTwilio } from '../fakes/twilio';
import './provided';

/** The public URL Twilio signs against; deliberately not the address the server listens on (as behind a proxy). */
export const publicBaseUrl = 'https://conversations.example.test';

export interface Stack {
  config: Config;
  apiUrl: string;
  service: RunningService;
  /** Stops the API and worker and starts them again on the same port, as a deploy would. */
  restart(): Promise<void>;
  db: Kysely<Database>;
  temporal: Client;
  twilio: FakeTwilio;
  openai: FakeOpenAI;
  /** Bearer token of an agent (an admin) of the default tenant. */
  agentToken: string;
  /** Calls the API as that agent (or as `token`'s agent). */
  api(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  /**
   * Resolves once the conversation of `contactKey` has nothing in flight: no message waiting for its turn, no
   * activity running or scheduled, no workflow task outstanding. From then on nothing more goes out until a timer
   * fires or a message arrives, so a test can count what was sent.
   */
  settled(contactKey: string): Promise<void>;
  /**
   * The environment of a worker process (`worker/main.ts --worker-only`) on this stack's task queue, and of a command
   * run against the stack (`npm run kb`, `npm run replay`).
   */
  workerEnv(extra?: Record<string, string>): Record<string, string>;
  /** Twilio's side of a call from `from` to the service's number (ring, connect and talk with it). */
  caller(from: string, options?: Partial<CallerOptions>): RelayCaller;
  /** Posts a Twilio-signed messaging webhook; returns the response. */
  postSms(params: Record<string, string>, options?: { signature?: string; path?: string }): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * The whole service (API + worker, in-process) against the run's real Temporal dev server and real Postgres, with
 * fake Twilio and OpenAI servers behind the real clients. Each stack has its own task queue.
 */
export interface StackOptions {
  /** false: the API alone (workers run elsewhere). */
  worker?: boolean;
  databaseUrl?: string;
  /** The Twilio sandbox posts signed status callbacks, as `npm start`'s does (PUBLIC_BASE_URL must reach the API). */
  statusCallbacks?: boolean;
}

export async function startStack(env: Record<string, string> = {}, options: StackOptions = {}): Promise<Stack> {
  const fakeTwilio = await startFakeTwilio({ statusCallbacks: options.statusCallbacks ?? false });
  const fakeOpenAI = await startFakeOpenAI();
  const databaseUrl = options.databaseUrl ?? inject('databaseUrl');
  const temporalAddress = inject('temporalAddress');
  const config = loadConfig({
    PORT: '0',
    PUBLIC_BASE_URL: publicBaseUrl,
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_TASK_QUEUE: `conversations-${randomBytes(4).toString('hex')}`,
    TWILIO_ACCOUNT_SID: fakeTwilio.accountSid,
    TWILIO_AUTH_TOKEN: fakeTwilio.authToken,
    TWILIO_API_BASE_URL: fakeTwilio.url,
    OPENAI_API_KEY: fakeOpenAI.apiKey,
    OPENAI_BASE_URL: fakeOpenAI.baseURL,
    BATCH_QUIET_MS: '300',
    BATCH_MAX_WAIT_MS: '3000',
    // Without a model, replies stream at once unless a test asks for a speaking pace.
    OFFLINE_WORDS_PER_MINUTE: '600000',
    LOG_LEVEL: 'error',
    ...env,
  });
  const launch = async (port = config.PORT) =>
    startService({ ...config, PORT: port, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress }, createLogger(config.LOG_LEVEL), {
      // Bundled once for the whole run by the global setup.
      workflowBundle: { codePath: inject('workflowBundlePath') },
      roles: { api: true, worker: options.worker ?? true },
    });
  let service = await launch();
  const apiUrl = service.apiUrl ?? '';
  const db = createDb(inject('databaseUrl'), { max: 2 });
  const { token: agentToken } = await createAgent(db, { tenantId: 'default', name: 'Test agent', role: 'admin' });
  const connection = await Connection.connect({ address: temporalAddress });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });

  return {
    config,
    apiUrl,
    get service() {
      return service;
    },
    async restart() {
      await service.stop();
      service = await launch(Number(new URL(apiUrl).port));
    },
    db,
    temporal,
    twilio: fakeTwilio,
    openai: fakeOpenAI,
    agentToken,
    api(path, init = {}) {
      const { token = agentToken, ...rest } = init;
      const headers = new Headers(rest.headers);
      headers.set('authorization', `Bearer ${token}`);
      if (rest.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return fetch(`${apiUrl}${path}`, { ...rest, headers });
    },
    async settled(contactKey) {
      const handle = temporal.workflow.getHandle(conversationWorkflowId({ tenantId: 'default', contactKey }));
      let quietTimes = 0;
      const deadline = Date.now() + 60_000;
      while (quietTimes < 2) {
        if (Date.now() > deadline) throw new Error(`conversation of ${contactKey} did not settle`);
        const { raw, status } = await handle.describe();
        const busy = raw.pendingActivities?.length || raw.pendingWorkflowTask;
        const quiet = !busy && (status.name !== 'RUNNING' || (await handle.query(snapshotQuery)).pendingCount === 0);
        quietTimes = quiet ? quietTimes + 1 : 0;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    workerEnv(extra = {}) {
      return {
        PUBLIC_BASE_URL: config.PUBLIC_BASE_URL,
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: temporalAddress,
        TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
        TWILIO_ACCOUNT_SID: fakeTwilio.accountSid,
        TWILIO_AUTH_TOKEN: fakeTwilio.authToken,
        TWILIO_API_BASE_URL: fakeTwilio.url,
        OPENAI_API_KEY: fakeOpenAI.apiKey,
        OPENAI_BASE_URL: fakeOpenAI.baseURL,
        ...extra,
      };
    },
    caller(from, options = {}) {
      return new RelayCaller({ apiUrl, publicBaseUrl: config.PUBLIC_BASE_URL, authToken: fakeTwilio.authToken, from, to: '+15005550006', ...options });
    },
    async postSms(params, options = {}) {
      const path = options.path ?? '/webhooks/twilio/messaging';
      const { headers, body } = signedForm(`${config.PUBLIC_BASE_URL}${path}`, fakeTwilio.authToken, params);
      if (options.signature !== undefined) headers['x-twilio-signature'] = options.signature;
      return fetch(`${apiUrl}${path}`, { method: 'POST', headers, body });
    },
    async stop() {
      await service.stop();
      // No conversation of this stack outlives it: a later file using the same number starts a fresh one.
      const running = temporal.workflow.list({ query: `TaskQueue = "${config.TEMPORAL_TASK_QUEUE}" AND ExecutionStatus = "Running"` });
      for await (const workflow of running) await temporal.workflow.getHandle(workflow.workflowId).terminate('test over').catch(() => undefined);
      await connection.close();
      await db.destroy();
      await fakeTwilio.close();
      await fakeOpenAI.close();
    },
  };
}

/**
 * Registers a stack for the whole file (started once, fakes and read model reset before each test) and hands it to
 * `use` once it runs.
 */
export function useStack(use: (stack: Stack) => void, env: Record<string, string> = {}, options: StackOptions = {}): void {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack(env, options);
    use(stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });
  beforeEach(async () => {
    if (!stack) return;
    await resetDatabase(stack.db);
    stack.twilio.reset();
    stack.openai.reset();
  });
}

/**
 * Empties the read model between tests; the default tenant stays. Truncation locks the tables in the order listed:
 * the event log comes last, as it does in a write that records a message and then logs its event, so a write still
 * finishing from the test before waits for the truncation instead of deadlocking with it.
 */
export async function resetDatabase(db: Kysely<Database>): Promise<void> {
  await sql`truncate campaign_recipients, campaigns, model_calls, leads, listings, approvals, http_tools, tool_runs, bookings, booking_slots, order_items, orders, menu_items, tenant_tools, handoff_tasks, messages, conversations, contacts, opt_outs, delivery_events, phone_numbers, replay_turns, replays, knowledge_ingest_items, knowledge_ingests, knowledge_chunks, knowledge_documents, knowledge_terms, calls, call_turns, phone_codes, phone_code_tries, web_sessions, web_visitors, projects, agent_events`.execute(db);
  await db.deleteFrom('agents').where('tenant_id', '<>', 'default').execute();
  await db.deleteFrom('tenant_secrets').execute();
  await db.deleteFrom('tenants').where('id', '<>', 'default').execute();
  await db
    .updateTable('tenants')
    .set({ texts: '{}', system_prompt: '', voice: '{}', sender_number: null, allowed_origins: [], code_countries: [], codes_per_hour: 100, time_zone: 'UTC', business_info: '{}', monthly_token_budget: null, persona: '{}', llm_fallback: null, deleted_at: null, twilio_account_sid: null, inbound_policy: 'open' })
    .where('id', '=', 'default')
    .execute();
}

/** A tenant that texts web visitors' codes: from the sandbox's (American) number, to the tests' (Canadian) numbers too. */
export async function textsCodes(db: Kysely<Database>, tenantId = 'default', settings: { code_countries?: string[]; codes_per_hour?: number } = {}): Promise<void> {
  await db
    .updateTable('tenants')
    .set({ sender_number: '+15005550006', code_countries: ['US', 'CA'], ...settings })
    .where('id', '=', tenantId)
    .execute();
}

/** A number no other test uses (nor the README's +1 604 555 0100), so each test talks to a fresh conversation. */
let phoneCounter = Math.floor(Math.random() * 5000);
export function uniquePhone(): string {
  phoneCounter = (phoneCounter + 1) % 10_000;
  return `+1604556${String(phoneCounter).padStart(4, '0')}`;
}

export { messagingParams as smsParams } from '../../devkit/twilio-signing';
