import type { Models } from '../models';
import type { ReplayAnswer } from './recorded-turns';

export type Verdict = { verdict: 'better' | 'same' | 'worse'; reason: string };

const instructions =
  "You compare two answers a business's assistant gave to the same customer message. Judge the changed answer (B) " +
  'against the recorded one (A) for the customer: correct, helpful, grounded in the business, brief. Reply with JSON ' +
  'only: {"verdict": "better" | "same" | "worse", "reason": "<one sentence>"}.';

const describe = (answer: ReplayAnswer) =>
  answer.outcome === 'handoff' ? `(handed to a person: ${answer.reason ?? ''})` : answer.outcome === 'error' ? `(no answer: ${answer.reason ?? ''})` : answer.text;

/** The judge model's verdict on the variant's answer beside the recorded one; null when it gave none readable. */
export async function judge(models: Models, scope: { tenantId: string; conversationId: string }, question: string, recorded: ReplayAnswer, variant: ReplayAnswer, signal: AbortSignal): Promise<Verdict | null> {
  const answer = await models.complete(
    {
      messages: [
        { role: 'system', content: instructions },
        { role: 'user', content: `Customer: ${question}\n\nA (recorded): ${describe(recorded)}\n\nB (changed): ${describe(variant)}` },
      ],
    },
    { ...scope, purpose: 'judge' },
    signal,
  );
  const json = /\{[\s\S]*\}/.exec(answer.text)?.[0];
  if (!json) return null;
  try {
    const parsed = JSON.parse(json) as { verdict?: unknown; reason?: unknown };
    if (parsed.verdict !== 'better' && parsed.verdict !== 'same' && parsed.verdict !== 'worse') return null;
    return { verdict: parsed.verdict, reason: typeof parsed.reason === 'string' ? parsed.reason.slice(0, 500) : '' };
  } catch {
    return null;
  }
}
