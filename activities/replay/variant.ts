import { z } from 'zod';

/**
 * What a replay changes: the whole system prompt, the model, the knowledge base searched (another tenant's, where new
 * documents were loaded to try), and the tools offered (by name). What it leaves out stays as it is.
 */
export const replayVariant = z
  .object({
    systemPrompt: z.string().trim().min(1).max(20_000).optional(),
    model: z.string().trim().min(1).max(200).optional(),
    knowledge: z.object({ tenantId: z.string().min(1).max(200) }).strict().optional(),
    tools: z.array(z.string().min(1).max(64)).max(100).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'a variant changes at least one of systemPrompt, model, knowledge, tools' });

export type ReplayVariant = z.infer<typeof replayVariant>;

/** A variant from its JSON text, or the first thing wrong with it, in words. */
export function parseVariant(text: string): ReplayVariant {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`the variant is not JSON: ${(error as Error).message}`);
  }
  const parsed = replayVariant.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`the variant: ${issue?.path.join('.') ? `${issue.path.join('.')}: ` : ''}${issue?.message ?? 'invalid'} (it is { systemPrompt?, model?, knowledge?: { tenantId }, tools?: [names] })`);
  }
  return parsed.data;
}
