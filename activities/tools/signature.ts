import { createHmac } from 'node:crypto';

/**
 * How a call to a company's API is signed: `X-Signature-256: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`
 * with `X-Signature-Timestamp` (unix seconds). For a GET, the body signed is the query string without its `?`.
 */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
