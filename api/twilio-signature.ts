import twilio from 'twilio';
import { HttpError } from './errors';

/**
 * Checks `X-Twilio-Signature` against the public URL Twilio called (PUBLIC_BASE_URL + path + query), not the URL
 * this process sees behind a proxy.
 */
export function verifyTwilioSignature(options: {
  authToken: string;
  signature: string | undefined;
  publicUrl: string;
  params: Record<string, string>;
}): void {
  if (!options.signature) throw new HttpError(403, 'signature_missing', 'X-Twilio-Signature header is required');
  if (!twilio.validateRequest(options.authToken, options.signature, options.publicUrl, options.params)) {
    throw new HttpError(403, 'signature_invalid', 'X-Twilio-Signature does not match the request');
  }
}

/** Reads a form-encoded body into a flat record; a repeated key keeps its last value, as Twilio never repeats one. */
export async function readForm(request: Request): Promise<Record<string, string>> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw new HttpError(400, 'unsupported_content_type', 'expected application/x-www-form-urlencoded');
  }
  return Object.fromEntries(new URLSearchParams(await request.text()));
}
