/**
 * A document read into what chunking needs: its title, and its text as sections, each under the headings it sits
 * beneath (outermost first) and made of blocks (a paragraph, a list, a table as text).
 */
export interface ParsedDocument {
  title: string;
  kind: DocumentKind;
  /** The page the document says it is (Markdown front matter's `url:`, HTML's canonical link), if it says. */
  url?: string;
  sections: Section[];
}

export interface Section {
  headings: string[];
  blocks: string[];
}

export type DocumentKind = 'markdown' | 'text' | 'html' | 'pdf';

/** The document's text as stored and shown: its sections' headings and blocks, in order. */
export function bodyOf(document: ParsedDocument): string {
  return document.sections
    .map((section) => [section.headings.at(-1) ?? '', ...section.blocks].filter(Boolean).join('\n\n'))
    .filter(Boolean)
    .join('\n\n');
}

/** Paragraphs of plain text (PDF pages, .txt files): blank lines apart, inner whitespace made single spaces. */
export function paragraphsOf(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean);
}
