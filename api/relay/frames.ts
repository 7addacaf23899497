import { z } from 'zod';
import { withoutNul } from '../nul';

/** What Twilio's ConversationRelay sends over the socket (JSON text frames). */
const setup = z.object({
  type: z.literal('setup'),
  sessionId: z.string().min(1).max(64),
  callSid: z.string().min(1).max(64),
  from: z.string().max(64).default(''),
  to: z.string().max(64).default(''),
  direction: z.string().max(32).optional(),
  customParameters: z.record(z.string(), z.string()).default({}),
});
const prompt = z.object({
  type: z.literal('prompt'),
  voicePrompt: z.string().max(10_000),
  lang: z.string().max(32).optional(),
  last: z.boolean().default(true),
});
const dtmf = z.object({ type: z.literal('dtmf'), digit: z.string().min(1).max(8) });
const interrupt = z.object({
  type: z.literal('interrupt'),
  utteranceUntilInterrupt: z.string().max(10_000).default(''),
  // Seen both as a string and as a number.
  durationUntilInterruptMs: z.coerce.number().min(0).optional(),
});
const error = z.object({ type: z.literal('error'), description: z.string().max(2000).default('') });

export const relayFrame = z.discriminatedUnion('type', [setup, prompt, dtmf, interrupt, error]);
export type RelayFrame = z.infer<typeof relayFrame>;
export type SetupFrame = z.infer<typeof setup>;

/** Reads one frame; null (with why) for anything that is not a frame this service knows. */
export function readFrame(data: string): { frame: RelayFrame } | { problem: string } {
  let json: unknown;
  try {
    json = withoutNul(JSON.parse(data));
  } catch {
    return { problem: 'not JSON' };
  }
  const parsed = relayFrame.safeParse(json);
  if (parsed.success) return { frame: parsed.data };
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  const issue = parsed.error.issues[0];
  return { problem: `${typeof type === 'string' ? type : 'frame'}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}` };
}

/** What the service sends to ConversationRelay. */
export type AppFrame =
  | { type: 'text'; token: string; last: boolean; interruptible?: boolean }
  | { type: 'end'; handoffData: string };
