import type { SecretBox } from '../config/secrets';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Embedder } from './knowledge/embeddings';
import type { Models } from './models';
import type { TwilioAccounts } from '../worker/twilio-accounts';

/** Everything activities touch, built once by the worker. Activities never read env or keep module-level handles. */
export interface ActivityDeps {
  db: Kysely<Database>;
  /** Each tenant's Twilio account (its own, or the deployment's). */
  twilioAccounts: TwilioAccounts;
  /** The model, and its fallback; null: no OPENAI_API_KEY, replies come from the extractive knowledge responder. */
  models: Models | null;
  /** Knowledge search by meaning (EMBEDDINGS_*); null: full text alone. */
  embedder: Embedder | null;
  llm: {
    /** Token budget for the conversation history sent with each turn. */
    contextTokens: number;
    /** Without a model, the pause between the words of a streamed reply: a call or a chat hears it spoken. */
    offlineWordMs: number;
  };
  /**
   * Companies' APIs declared as tools: whether one may sit on a loopback or private address, and what opens their
   * sealed signing secrets (SECRETS_KEY).
   */
  tools: { allowPrivateUrls: boolean; secrets: SecretBox | null };
  /** Knowledge documents fetched from URLs: whether one may sit on a loopback or private address. */
  knowledge: { allowPrivateUrls: boolean };
  /** Twilio posts delivery status here; null leaves StatusCallback unset. */
  statusCallbackUrl: string | null;
  /** Where an outbound call is answered (the voice route) and where Twilio reports its status. */
  voiceUrls: { answer: string; status: string };
}
