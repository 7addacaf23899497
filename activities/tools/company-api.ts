import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { ApplicationFailure } from '@temporalio/activity';
import { isPublicAddress, PrivateAddressRefused, publicLookup } from './public-address';
import { signatureOf } from './signature';
import { refused, type ToolResult } from './tool';
import { retryAfterMs } from '../model-call';

/** A call gives up after this long, and the activity's retry policy takes over. */
export const companyApiTimeoutMs = 10_000;
/** What the model is given of an answer, at most. */
export const companyAnswerBytes = 4096;

export interface CompanyCall {
  url: string;
  method: 'GET' | 'POST';
  secret: string;
  /** The same for every attempt of one tool call: the company's API can tell a repeat from a new call. */
  idempotencyKey: string;
  args: Record<string, unknown>;
  allowPrivateUrls: boolean;
  signal?: AbortSignal;
}

/** The URL and body of a call: a GET carries the arguments as its query string, a POST as its JSON body. */
function requestOf(call: CompanyCall): { url: URL; body: string; signed: string } {
  const url = new URL(call.url);
  if (call.method === 'POST') {
    const body = JSON.stringify(call.args);
    return { url, body, signed: body };
  }
  for (const [name, value] of Object.entries(call.args)) {
    if (value !== undefined && value !== null) url.searchParams.append(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return { url, body: '', signed: url.search.replace(/^\?/, '') };
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
  /** The answer was longer than what was read. */
  cut: boolean;
  retryAfter: Headers;
}

function send(call: CompanyCall): Promise<Answer> {
  const { url, body, signed } = requestOf(call);
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    accept: 'application/json',
    'user-agent': 'durable-conversations-tools/1',
    'idempotency-key': call.idempotencyKey,
    'x-signature-timestamp': String(timestamp),
    'x-signature-256': signatureOf(call.secret, timestamp, signed),
  };
  if (call.method === 'POST') {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (!call.allowPrivateUrls && isIP(literal) && !isPublicAddress(literal)) return Promise.reject(new PrivateAddressRefused(url.hostname, literal));
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<Answer>((resolve, reject) => {
    const req = request(url, {
      method: call.method,
      headers,
      signal: AbortSignal.any([AbortSignal.timeout(companyApiTimeoutMs), ...(call.signal ? [call.signal] : [])]),
      ...(call.allowPrivateUrls ? {} : { lookup: publicLookup }),
    });
    req.once('error', reject);
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let cut = false;
      res.on('data', (chunk: Buffer) => {
        if (cut) return;
        chunks.push(chunk);
        size += chunk.length;
        // Enough to give the model: the rest is not read (an answer of 10 MB costs 4 kB).
        if (size > companyAnswerBytes) {
          cut = true;
          finish();
          res.destroy();
        }
      });
      res.once('end', finish);
      res.once('error', (error) => (cut ? undefined : reject(error)));
      function finish() {
        const retryAfter = new Headers();
        for (const name of ['retry-after', 'retry-after-ms']) {
          const value = res.headers[name];
          if (typeof value === 'string') retryAfter.set(name, value);
        }
        resolve({
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          text: Buffer.concat(chunks).subarray(0, companyAnswerBytes).toString('utf8'),
          cut,
          retryAfter,
        });
      }
    });
    req.end(body);
  });
}

/**
 * Calls a company's API as a tool: signed, with the call's idempotency key, within 10 s. 5xx, 429 and network
 * failures throw (the activity retries them, a 429 after its Retry-After); any other refusal is the model's to read,
 * as is the answer, capped at 4 kB.
 */
export async function callCompanyApi(call: CompanyCall): Promise<ToolResult> {
  let answer: Answer;
  try {
    answer = await send(call);
  } catch (error) {
    if (error instanceof PrivateAddressRefused) return refused(`the tool's address is not allowed (${error.message}); it cannot be called`);
    throw ApplicationFailure.retryable(`the company's API could not be reached: ${(error as Error).message}`, 'CompanyApiUnreachable');
  }
  const { status } = answer;
  if (status === 429) {
    throw ApplicationFailure.create({ message: "the company's API answered 429", type: 'CompanyApiRateLimited', nextRetryDelay: retryAfterMs(answer.retryAfter) ?? undefined });
  }
  if (status >= 500) throw ApplicationFailure.retryable(`the company's API answered ${status}`, 'CompanyApiFailed');
  if (status < 200 || status >= 300) {
    return { error: `the company's API refused the call (HTTP ${status})`, detail: answer.text.slice(0, 300) };
  }
  if (!/\bjson\b/i.test(answer.contentType)) {
    return { status, note: `the API answered ${answer.contentType.split(';')[0] || 'without a content type'}, not JSON; the call went through` };
  }
  if (answer.cut) return { status, note: `the answer was longer than ${companyAnswerBytes} bytes; this is its start`, body_start: answer.text };
  try {
    return { status, body: JSON.parse(answer.text || 'null') as unknown };
  } catch {
    return { status, note: 'the API answered malformed JSON; the call went through' };
  }
}
