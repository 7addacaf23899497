import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure, log } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type OpenAI from 'openai';
import { callModel, streamModel, type ModelAnswer } from './model-call';
import { costOf, type PriceTable } from '../config/prices';
import type { Database, TenantFallback } from '../db/schema';
import { SecretUnreadable, type SecretBox } from '../config/secrets';
import { openSecret, secretNames } from '../db/repositories/tenant-secrets';

/** An OpenAI-compatible endpoint and the model asked there. */
export interface ModelEndpoint {
  client: OpenAI;
  model: string;
  /** Who serves it (the API's host), as usage reports it. */
  provider: string;
}

/** What a call is for and on whose account: usage is counted per tenant, conversation and purpose. */
export interface ModelUse {
  tenantId: string;
  conversationId: string | null;
  /**
   * A reply's call counts as `reply`, or `tool_round` when the model asked for tools; a replay's turns against a
   * changed assistant as `replay`, and its judge's verdicts as `judge`; a message written for an agent to edit as `draft`.
   */
  purpose: 'reply' | 'summary' | 'call_summary' | 'draft' | 'replay' | 'judge';
}

/** `latencyMs` and `costUsd`: the call's own, as usage counts them. */
export type Answered = ModelAnswer & { model: string; latencyMs: number; costUsd: number };

/** Who serves an OpenAI-compatible base URL, as usage and the API name it: its host (OpenAI's without one). */
export function providerOf(baseUrl: string | undefined): string {
  return baseUrl ? new URL(baseUrl).host : 'api.openai.com';
}

type Request = Omit<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, 'stream' | 'model'>;

/** A 429 asking for no more than this is waited out; a longer one sends the call to the fallback. */
const shortWaitMs = 2000;

/**
 * Skips a primary that keeps failing: after `threshold` failures within `windowMs` it is left alone for `openMs`, and
 * calls go straight to the fallback instead of waiting out its errors on every turn. One worker's view of it.
 */
export class CircuitBreaker {
  private failures: number[] = [];
  private openUntil = 0;

  constructor(
    private readonly threshold = 3,
    private readonly windowMs = 60_000,
    private readonly openMs = 30_000,
    private readonly now = () => Date.now(),
  ) {}

  isOpen(): boolean {
    return this.now() < this.openUntil;
  }

  failed(): void {
    const now = this.now();
    this.failures = [...this.failures.filter((at) => now - at < this.windowMs), now];
    if (this.failures.length >= this.threshold) {
      this.openUntil = now + this.openMs;
      this.failures = [];
    }
  }

  succeeded(): void {
    this.failures = [];
  }
}

/** Whether a failed call says the provider is down (5xx, a timeout, the network, a long 429), not the request bad. */
function providerDown(error: unknown): boolean {
  if (error instanceof ApplicationFailure) return error.type === 'RateLimited';
  return !(error instanceof Error && error.name === 'AbortError');
}

function retryDelayOf(error: unknown): number | null {
  if (!(error instanceof ApplicationFailure) || error.type !== 'RateLimited') return null;
  const delay = error.nextRetryDelay;
  return typeof delay === 'number' ? delay : delay ? Number.NaN : 0;
}

/**
 * The models a turn can use: the primary, and a fallback that answers when the primary is down (before the
 * customer ever hears "we'll get back to you"); a primary that keeps failing is skipped for a while. Every call
 * made is counted in `model_calls` with its tokens, latency and price.
 */
export class Models {
  /** Tenants' own fallbacks' clients, by base URL, key and model: made once per worker. */
  private readonly tenantEndpoints = new Map<string, ModelEndpoint>();

  constructor(
    private readonly db: Kysely<Database>,
    readonly primary: ModelEndpoint,
    private readonly serviceFallback: ModelEndpoint | null,
    private readonly prices: PriceTable,
    private readonly endpointFor: (fallback: Required<TenantFallback>) => ModelEndpoint,
    /** Opens tenants' sealed fallback keys (SECRETS_KEY). */
    private readonly secrets: SecretBox | null = null,
    private readonly breaker = new CircuitBreaker(),
  ) {}

  /** The same endpoint asking another model, with no fallback (a replay tries exactly the model it was given). */
  withModel(model: string): Models {
    const fixed = new Models(this.db, { ...this.primary, model }, null, this.prices, this.endpointFor, this.secrets);
    fixed.withoutFallback = true;
    return fixed;
  }

  /** Set on a model asked by name: no fallback answers for it. */
  private withoutFallback = false;

  /** The tenant's own fallback when it set one, else the service's (LLM_FALLBACK_*), else none. */
  private async fallbackFor(tenantId: string): Promise<ModelEndpoint | null> {
    if (this.withoutFallback) return null;
    const row = await this.db.selectFrom('tenants').select('llm_fallback').where('id', '=', tenantId).executeTakeFirst();
    const own = row?.llm_fallback;
    if (!own) return this.serviceFallback;
    const apiKey = own.apiKey ?? (await this.sealedFallbackKey(tenantId));
    if (!apiKey) return this.serviceFallback;
    const key = JSON.stringify([own.baseUrl, apiKey, own.model]);
    let endpoint = this.tenantEndpoints.get(key);
    if (!endpoint) this.tenantEndpoints.set(key, (endpoint = this.endpointFor({ ...own, apiKey })));
    return endpoint;
  }

  /** The tenant's sealed fallback key; one no SECRETS_KEY key opens (logged at start too) leaves it the service's fallback. */
  private async sealedFallbackKey(tenantId: string): Promise<string | null> {
    try {
      return await openSecret(this.db, this.secrets, tenantId, secretNames.fallbackApiKey);
    } catch (error) {
      if (!(error instanceof SecretUnreadable)) throw error;
      log.warn("the tenant's fallback model key does not open: the service's fallback answers instead", { tenantId, reason: error.message });
      return null;
    }
  }

  /** One completion (streamed through `onToken` when given), by the primary or, when it is down, the fallback. */
  async complete(request: Request, use: ModelUse, signal: AbortSignal, onToken?: (text: string) => void): Promise<Answered> {
    let streamed = false;
    const tokens = onToken && ((text: string) => ((streamed = true), onToken(text)));
    const fallback = await this.fallbackFor(use.tenantId);
    // Without a fallback, the activity's retry policy rides out the primary's errors (a 429 after its Retry-After).
    if (!fallback) return this.callOnce(this.primary, request, use, signal, tokens);
    if (!this.breaker.isOpen()) {
      try {
        return await this.callOnce(this.primary, request, use, signal, tokens);
      } catch (error) {
        if (!providerDown(error) || signal.aborted || streamed) throw error;
        this.breaker.failed();
        const wait = retryDelayOf(error);
        let last = error;
        if (wait !== null && wait <= shortWaitMs) {
          // A short rate limit is waited out once before the fallback is asked.
          await sleep(wait, undefined, { signal });
          try {
            return await this.callOnce(this.primary, request, use, signal, tokens);
          } catch (again) {
            if (!providerDown(again) || signal.aborted || streamed) throw again;
            this.breaker.failed();
            last = again;
          }
        }
        log.warn('the primary model is down: the fallback answers', { model: this.primary.model, fallback: fallback.model, error: (last as Error).message });
      }
    }
    return this.callOnce(fallback, request, use, signal, tokens);
  }

  private async callOnce(endpoint: ModelEndpoint, request: Request, use: ModelUse, signal: AbortSignal, onToken?: (text: string) => void): Promise<Answered> {
    const started = Date.now();
    const body = { ...request, model: endpoint.model };
    const answer = onToken ? await streamModel(endpoint.client, body, signal, onToken) : await callModel(endpoint.client, body, signal);
    if (endpoint === this.primary) this.breaker.succeeded();
    const latencyMs = Date.now() - started;
    const costUsd = costOf(this.prices, endpoint.model, answer.usage ?? { prompt: 0, completion: 0 });
    await this.record(endpoint, use, answer, latencyMs, costUsd);
    return { ...answer, model: endpoint.model, latencyMs, costUsd };
  }

  /** Counts the call; a count that cannot be written is logged, never fails the reply the customer waits for. */
  private async record(endpoint: ModelEndpoint, use: ModelUse, answer: ModelAnswer, latencyMs: number, costUsd: number): Promise<void> {
    const tokens = answer.usage ?? { prompt: 0, completion: 0 };
    const purpose = use.purpose === 'reply' && answer.calls.length > 0 ? 'tool_round' : use.purpose;
    try {
      await this.db
        .insertInto('model_calls')
        .values({
          tenant_id: use.tenantId,
          conversation_id: use.conversationId,
          purpose,
          provider: endpoint.provider,
          model: endpoint.model,
          prompt_tokens: tokens.prompt,
          completion_tokens: tokens.completion,
          latency_ms: latencyMs,
          cost_usd: costUsd.toFixed(8),
        })
        .execute();
    } catch (error) {
      log.warn('model call not counted', { error: (error as Error).message });
    }
  }
}
