import type { ActivityDeps } from './deps';
import { callModel } from './model-call';

export interface SummaryRequest {
  /** What the summary is for, as the model's instructions. */
  instructions: string;
  /** What to summarize, as text. */
  transcript: string;
  /** The summary without a model (none configured, or it wrote nothing). */
  fallback: () => string;
}

/**
 * A summary by the model, with its errors mapped onto Temporal's retry policy as a reply's are (a rate limit waits
 * as long as the provider asks, a refused request fails at once); without a model, the request's own fallback.
 */
export async function summarize({ openai, llm }: Pick<ActivityDeps, 'openai' | 'llm'>, request: SummaryRequest, signal: AbortSignal): Promise<string> {
  if (!openai) return request.fallback();
  const answer = await callModel(
    openai,
    {
      model: llm.model,
      messages: [
        { role: 'system', content: request.instructions },
        { role: 'user', content: request.transcript },
      ],
    },
    signal,
  );
  return answer.text || request.fallback();
}
