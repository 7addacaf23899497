import OpenAI from 'openai';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type { Kysely } from 'kysely';
import type { Config } from '../config';
import { defaultPrices } from '../config/prices';
import { Models, providerOf, type ModelEndpoint } from '../activities/models';
import type { Database, TenantFallback } from '../db/schema';
import type { TwilioCredentials } from '../db/repositories/tenant-credentials';

const twilioDefaultBase = 'https://api.twilio.com';

/**
 * Twilio's REST client for the deployment's account (or a tenant's own `account`), pointed at TWILIO_API_BASE_URL (Twilio itself by default, or any Twilio-compatible
 * endpoint, which serves Twilio's other hosts under a folder of their name: content.twilio.com at `<base>/content`).
 * No client-side retries: the sendMessage activity's retry policy owns them, and its outbox row keeps a retry from
 * sending twice.
 */
export function createTwilioClient(config: Config, account?: TwilioCredentials): twilio.Twilio {
  const base = config.TWILIO_API_BASE_URL.replace(/\/+$/, '');
  class BaseUrlRequestClient extends twilio.RequestClient {
    override request<TData>(opts: RequestClient.RequestOptions<TData>) {
      const uri = base === twilioDefaultBase ? opts.uri : opts.uri.replace(/^https:\/\/([a-z]+)\.twilio\.com/, (_, host: string) => (host === 'api' ? base : `${base}/${host}`));
      return super.request<TData>({ ...opts, uri });
    }
  }
  const httpClient = new BaseUrlRequestClient({ timeout: 10_000, autoRetry: false });
  return account ? twilio(account.accountSid, account.authToken, { httpClient }) : twilio(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, { httpClient });
}

function endpoint(apiKey: string, baseURL: string | undefined, model: string, timeout: number): ModelEndpoint {
  return {
    // Temporal owns retries (the generateReply activity's policy), so the client makes exactly one attempt.
    client: new OpenAI({ apiKey, baseURL, timeout, maxRetries: 0 }),
    model,
    provider: providerOf(baseURL),
  };
}

/**
 * The model (and LLM_FALLBACK_* when set, for when it is down), counting every call in `db`; null without
 * OPENAI_API_KEY: the extractive knowledge responder answers instead.
 */
export function createModels(config: Config, db: Kysely<Database>): Models | null {
  if (!config.OPENAI_API_KEY) return null;
  const primary = endpoint(config.OPENAI_API_KEY, config.OPENAI_BASE_URL, config.OPENAI_MODEL, config.OPENAI_TIMEOUT_MS);
  const { LLM_FALLBACK_API_KEY: key, LLM_FALLBACK_BASE_URL: url, LLM_FALLBACK_MODEL: model } = config;
  const fallback = key && url && model ? endpoint(key, url, model, config.OPENAI_TIMEOUT_MS) : null;
  const tenantEndpoint = (own: Required<TenantFallback>) => endpoint(own.apiKey, own.baseUrl, own.model, config.OPENAI_TIMEOUT_MS);
  return new Models(db, primary, fallback, { ...defaultPrices, ...config.LLM_PRICES }, tenantEndpoint, config.SECRETS_KEY);
}
