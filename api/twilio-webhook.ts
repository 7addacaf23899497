import { z } from 'zod';
import { HttpError } from './errors';
import { withoutNul } from './nul';
import { readForm, verifyTwilioSignature } from './twilio-signature';
import type { Config } from '../config';
import type { TwilioAccounts } from '../worker/twilio-accounts';

/**
 * The tenant whose account a webhook must be signed by, read from its form before the signature is checked (the
 * service's number it names, or the call it is about); null: the deployment's account.
 */
export type SignerOf = (params: Record<string, string>) => Promise<string | null>;

/** Twilio's resource ids: two letters and 32 hex digits (MessageSid SM…, CallSid CA…). */
export const twilioSid = z.string().regex(/^[A-Z]{2}[0-9a-f]{32}$/i, 'must be a Twilio SID');

/**
 * Reads a Twilio webhook: the signature first, checked with the auth token of the account `signerOf` names (403
 * without a valid one; a tenant's token is read again once first, in case it just changed), then the form against
 * `schema` (400 naming the first problem). Before the signature is checked, nothing is told of what the form says.
 * Returns the parsed form and every parameter as sent.
 */
export function signedWebhook(config: Config, accounts: TwilioAccounts) {
  return async <T extends z.ZodType>(request: Request, schema: T, signerOf: SignerOf): Promise<{ form: z.infer<T>; params: Record<string, string> }> => {
    const params = await readForm(request);
    const tenantId = await signerOf(params);
    const url = new URL(request.url);
    const check = async () =>
      verifyTwilioSignature({
        authToken: await accounts.authToken(tenantId),
        signature: request.headers.get('x-twilio-signature') ?? undefined,
        publicUrl: `${config.PUBLIC_BASE_URL}${url.pathname}${url.search}`,
        params,
      });
    try {
      await check();
    } catch (error) {
      // A tenant's token changed on another process within the last minute: read it again once before refusing.
      if (!tenantId || !(error instanceof HttpError) || error.code !== 'signature_invalid') throw error;
      accounts.forget(tenantId);
      await check();
    }
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
