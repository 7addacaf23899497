import OpenAI from 'openai';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type { Config } from '../config';

const twilioDefaultBase = 'https://api.twilio.com';

/**
 * Twilio's REST client, pointed at TWILIO_API_BASE_URL (Twilio itself by default, or any Twilio-compatible
 * endpoint). No client-side retries: the sendMessage activity's retry policy owns them, and its outbox row keeps a
 * retry from sending twice.
 */
export function createTwilioClient(config: Config): twilio.Twilio {
  const base = config.TWILIO_API_BASE_URL.replace(/\/+$/, '');
  class BaseUrlRequestClient extends twilio.RequestClient {
    override request<TData>(opts: RequestClient.RequestOptions<TData>) {
      const uri = base === twilioDefaultBase ? opts.uri : opts.uri.replace(twilioDefaultBase, base);
      return super.request<TData>({ ...opts, uri });
    }
  }
  const httpClient = new BaseUrlRequestClient({ timeout: 10_000, autoRetry: false });
  return twilio(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN, { httpClient });
}

/** null without OPENAI_API_KEY: the extractive knowledge responder answers instead. */
export function createOpenAIClient(config: Config): OpenAI | null {
  if (!config.OPENAI_API_KEY) return null;
  return new OpenAI({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    timeout: config.OPENAI_TIMEOUT_MS,
    // Temporal owns retries (the generateReply activity's policy), so the client makes exactly one attempt.
    maxRetries: 0,
  });
}
