import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { sendJson, startHttpServer, type RunningServer } from '../../devkit/http-server';

export interface CompanyRequest {
  method: string;
  path: string;
  query: string;
  body: string;
  headers: IncomingHttpHeaders;
  /** Whether X-Signature-256 is right for the secret, timestamp and body (the README's check). */
  signed: boolean;
}

/** How the next request is answered; the default answers 200 with what it acted on. */
export type CompanyReply = (request: CompanyRequest, res: ServerResponse) => void;

export interface FakeCompanyApi extends RunningServer {
  secret: string;
  requests: CompanyRequest[];
  /** Effects done: one per Idempotency-Key, as a company's API that honours it keeps them. */
  effects: Map<string, unknown>;
  script(...replies: CompanyReply[]): void;
  reset(): void;
}

/** The README's signature check, as a company would run it. */
export function verifySignature(secret: string, headers: IncomingHttpHeaders, signedBody: string): boolean {
  const timestamp = String(headers['x-signature-timestamp'] ?? '');
  const given = String(headers['x-signature-256'] ?? '');
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${signedBody}`).digest('hex')}`;
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/**
 * A company's own API, called as a tool: it checks the signature, keeps one effect per Idempotency-Key (a repeat
 * answers what the first did), and can be scripted to fail, stall or answer oddly.
 */
export async function startFakeCompanyApi(secret = 'company-secret-0123456789'): Promise<FakeCompanyApi> {
  const requests: CompanyRequest[] = [];
  const effects = new Map<string, unknown>();
  const queue: CompanyReply[] = [];
  const server = await startHttpServer((req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://company.test');
    const query = url.search.replace(/^\?/, '');
    const request: CompanyRequest = { method: req.method ?? '', path: url.pathname, query, body, headers: req.headers, signed: verifySignature(secret, req.headers, req.method === 'GET' ? query : body) };
    requests.push(request);
    const scripted = queue.shift();
    if (scripted) return scripted(request, res);
    if (!request.signed) return sendJson(res, 401, { error: 'bad signature' });
    const key = String(req.headers['idempotency-key'] ?? '');
    if (!effects.has(key)) effects.set(key, { id: `eff_${effects.size + 1}`, acted_on: req.method === 'GET' ? Object.fromEntries(url.searchParams) : (JSON.parse(body || '{}') as unknown) });
    return sendJson(res, 200, effects.get(key));
  });
  return Object.assign(server, {
    secret,
    requests,
    effects,
    script: (...replies: CompanyReply[]) => void queue.push(...replies),
    reset() {
      requests.length = 0;
      effects.clear();
      queue.length = 0;
    },
  });
}
