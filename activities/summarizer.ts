import type { ActivityDeps } from './deps';
import type { ModelUse } from './models';

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
export async function summarize({ models }: Pick<ActivityDeps, 'models'>, request: SummaryRequest, use: ModelUse, signal: AbortSignal): Promise<string> {
  if (!models) return request.fallback();
  const answer = await models.complete(
    {
      messages: [
        { role: 'system', content: request.instructions },
        { role: 'user', content: request.transcript },
      ],
    },
    use,
    signal,
  );
  return answer.text || request.fallback();
}
