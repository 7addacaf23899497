import { z } from 'zod';
import { HttpError } from './errors';
import { withoutNul } from './nul';
import { readSignedForm } from './twilio-signature';
import type { Config } from '../config';

/** Twilio's resource ids: two letters and 32 hex digits (MessageSid SM…, CallSid CA…). */
export const twilioSid = z.string().regex(/^[A-Z]{2}[0-9a-f]{32}$/i, 'must be a Twilio SID');

/**
 * Reads a Twilio webhook: the signature first (403 without a valid one), then the form against `schema` (400 naming
 * the first problem). Returns the parsed form and every parameter as sent.
 */
export function signedWebhook(config: Config) {
  return async <T extends z.ZodType>(request: Request, schema: T): Promise<{ form: z.infer<T>; params: Record<string, string> }> => {
    const params = await readSignedForm(request, config.TWILIO_AUTH_TOKEN ?? '', config.PUBLIC_BASE_URL);
    // Signed as sent; read without NUL characters.
    const clean = withoutNul(params);
    const parsed = schema.safeParse(clean);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpError(400, 'invalid_webhook', issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid form');
    }
    return { form: parsed.data, params: clean };
  };
}

/** A TwiML answer. */
export function twimlResponse(xml: string): Response {
  return new Response(xml, { status: 200, headers: { 'content-type': 'text/xml' } });
}
