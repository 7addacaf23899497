import { extractText, getDocumentProxy } from 'unpdf';
import { paragraphsOf, type ParsedDocument } from '../../domain/knowledge/sections';

/** A PDF's text (unpdf, PDF.js), page by page as paragraphs; its metadata title names it when it has one. */
export async function parsePdf(bytes: Uint8Array, fallbackTitle: string): Promise<ParsedDocument> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  try {
    const { text } = await extractText(pdf, { mergePages: false });
    const metadata = await pdf.getMetadata().catch(() => null);
    const info = metadata?.info as { Title?: unknown } | undefined;
    const title = typeof info?.Title === 'string' && info.Title.trim() ? info.Title.trim() : fallbackTitle;
    const blocks = text.flatMap((page) => paragraphsOf(page.replace(/([^\n])\n(?!\n)/g, '$1 ')));
    return { title, kind: 'pdf', sections: blocks.length > 0 ? [{ headings: [], blocks }] : [] };
  } finally {
    await pdf.loadingTask.destroy();
  }
}
