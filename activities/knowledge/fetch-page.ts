import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { isPublicAddress, PrivateAddressRefused, publicLookup } from '../tools/public-address';

/** A page gives up after this long; a document larger than this is refused, not read. */
export const pageTimeoutMs = 20_000;
export const maxDocumentBytes = 20 * 1024 * 1024;
const maxRedirects = 5;

export interface FetchedPage {
  url: string;
  contentType: string | null;
  bytes: Uint8Array;
}

/** Why a page could not be fetched, in words for the run's summary (a retry would not change it). */
export class PageUnavailableError extends Error {
  override name = 'PageUnavailableError';
}

/**
 * Fetches a document from a URL (http or https; redirects followed, each checked). Addresses on loopback or private
 * networks are refused unless `allowPrivateUrls`, so a URL list cannot reach the service's own network.
 */
export async function fetchPage(address: string, options: { allowPrivateUrls: boolean; signal?: AbortSignal }): Promise<FetchedPage> {
  const parse = (text: string, base?: URL) => {
    try {
      return new URL(text, base);
    } catch {
      throw new PageUnavailableError(`not a URL: ${text.slice(0, 200)}`);
    }
  };
  let url = parse(address);
  for (let hop = 0; hop <= maxRedirects; hop += 1) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new PageUnavailableError(`only http and https URLs can be fetched (${url.protocol})`);
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (!options.allowPrivateUrls && isIP(literal) && !isPublicAddress(literal)) throw new PageUnavailableError(`${url.hostname} is a private address`);
    const response = await get(url, options).catch((error: unknown) => {
      if (error instanceof PrivateAddressRefused) throw new PageUnavailableError(error.message);
      if (error instanceof PageUnavailableError) throw error;
      const message = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError' ? `no answer within ${pageTimeoutMs / 1000} s` : (error as Error).message;
      throw new PageUnavailableError(`could not be fetched: ${message}`);
    });
    if (response.status >= 300 && response.status < 400 && response.location) {
      url = parse(response.location, url);
      continue;
    }
    if (response.status !== 200) throw new PageUnavailableError(`the server answered ${response.status}`);
    return { url: url.toString(), contentType: response.contentType, bytes: response.bytes };
  }
  throw new PageUnavailableError(`more than ${maxRedirects} redirects`);
}

function get(url: URL, options: { allowPrivateUrls: boolean; signal?: AbortSignal }) {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<{ status: number; contentType: string | null; location: string | null; bytes: Uint8Array }>((resolve, reject) => {
    const req = request(url, {
      headers: { 'user-agent': 'durable-conversations-knowledge/1', accept: 'text/html, text/markdown, text/plain, application/pdf;q=0.9, */*;q=0.5' },
      signal: AbortSignal.any([AbortSignal.timeout(pageTimeoutMs), ...(options.signal ? [options.signal] : [])]),
      ...(options.allowPrivateUrls ? {} : { lookup: publicLookup }),
    });
    req.once('error', reject);
    req.once('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const declared = Number(res.headers['content-length'] ?? 0);
      if (declared > maxDocumentBytes) {
        res.destroy();
        reject(new PageUnavailableError(`larger than ${maxDocumentBytes / 1024 / 1024} MB`));
        return;
      }
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxDocumentBytes) {
          res.destroy();
          reject(new PageUnavailableError(`larger than ${maxDocumentBytes / 1024 / 1024} MB`));
          return;
        }
        chunks.push(chunk);
      });
      res.once('error', reject);
      res.once('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          contentType: typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : null,
          location: typeof res.headers.location === 'string' ? res.headers.location : null,
          bytes: new Uint8Array(Buffer.concat(chunks)),
        }),
      );
    });
    req.end();
  });
}
