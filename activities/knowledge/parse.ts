import { extname } from 'node:path';
import { parseHtml } from './html';
import { parseMarkdown } from './markdown';
import { parsePdf } from './pdf';
import { paragraphsOf, type DocumentKind, type ParsedDocument } from '../../domain/knowledge/sections';

/** What each file extension is read as; other files are not documents. */
const kinds: Record<string, DocumentKind> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.mdx': 'markdown',
  '.txt': 'text',
  '.text': 'text',
  '.html': 'html',
  '.htm': 'html',
  '.pdf': 'pdf',
};

export function kindOfPath(path: string): DocumentKind | null {
  return kinds[extname(path).toLowerCase()] ?? null;
}

/** What a page served as `contentType` is read as (by its URL's extension when the type says nothing). */
export function kindOfContentType(contentType: string | null, url: string): DocumentKind | null {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'text/html' || type === 'application/xhtml+xml') return 'html';
  if (type === 'application/pdf') return 'pdf';
  if (type === 'text/markdown' || type === 'text/x-markdown') return 'markdown';
  if (type === 'text/plain') return kindOfPath(new URL(url).pathname) === 'markdown' ? 'markdown' : 'text';
  return kindOfPath(new URL(url).pathname);
}

/** A title from a file or page name: "opening-hours.md" reads "Opening hours". */
export function titleFromName(name: string): string {
  const base = name.replace(/\/+$/, '').split('/').pop() ?? name;
  const words = base.replace(/\.[a-z0-9]+$/i, '').replace(/[-_]+/g, ' ').trim();
  return words ? words[0]?.toUpperCase() + words.slice(1) : name;
}

/** A document that cannot be read: the reason is what the summary and the API say about it. */
export class UnreadableDocumentError extends Error {
  override name = 'UnreadableDocumentError';
}

/**
 * Reads a document's bytes as `kind`. Text must be UTF-8; a PDF must have text in it (a scan has none). Throws
 * UnreadableDocumentError saying why when it cannot be read.
 */
export async function parseDocument(bytes: Uint8Array, kind: DocumentKind, fallbackTitle: string): Promise<ParsedDocument> {
  let parsed: ParsedDocument;
  if (kind === 'pdf') {
    try {
      parsed = await parsePdf(bytes, fallbackTitle);
    } catch (error) {
      throw new UnreadableDocumentError(`not a readable PDF (${error instanceof Error ? error.message : String(error)})`);
    }
  } else {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '').replaceAll('\0', '');
    } catch {
      throw new UnreadableDocumentError('not UTF-8 text');
    }
    parsed =
      kind === 'html'
        ? parseHtml(text, fallbackTitle)
        : kind === 'markdown'
          ? parseMarkdown(text, fallbackTitle)
          : { title: fallbackTitle, kind: 'text', sections: [{ headings: [], blocks: paragraphsOf(text) }] };
  }
  if (!parsed.sections.some((s) => s.blocks.length > 0)) {
    throw new UnreadableDocumentError(kind === 'pdf' ? 'the PDF has no text (a scan needs OCR first)' : 'the document has no text');
  }
  return parsed;
}
