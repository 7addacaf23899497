import type { ParsedDocument } from './sections';

export interface Chunk {
  /** The headings the passage sits under, the document's title first ('Delivery > Express'). */
  section: string;
  content: string;
}

/**
 * Sizes in characters (about four to a token): passages of about 300 tokens stay within what small embedding models
 * read (512 tokens for e5) and answer one thing each; the overlap carries the end of a passage into the next.
 */
const targetChars = 1200;
const overlapChars = 200;

/** Changes whenever chunking does, so documents chunked the old way count as changed on the next ingest. */
export const chunkerVersion = 'headings-1200-200';

/**
 * Heading-aware chunks: each section is cut on its own (a passage never spans two headings), packing whole blocks
 * up to the target size; a block too long for one passage is cut between sentences. Each passage after the first of
 * a section starts with the last sentences of the one before (the overlap), so an answer cut in two is still whole
 * in one of them.
 */
export function chunkDocument(document: ParsedDocument): Chunk[] {
  const chunks: Chunk[] = [];
  for (const section of document.sections) {
    if (section.blocks.length === 0) continue;
    const path = [document.title, ...section.headings].filter(Boolean).join(' > ');
    const pieces = section.blocks.flatMap((b) => (b.length > targetChars ? sentencesOf(b, targetChars) : [b]));
    let current = '';
    let fresh = false;
    for (const piece of pieces) {
      if (fresh && current.length + piece.length + 2 > targetChars) {
        chunks.push({ section: path, content: current });
        current = overlapOf(current);
        fresh = false;
      }
      current = current ? `${current}\n\n${piece}` : piece;
      fresh = true;
    }
    if (fresh) chunks.push({ section: path, content: current });
  }
  return chunks;
}

/** A long block's sentences, packed up to `limit` characters; a sentence longer than that is cut between words. */
function sentencesOf(text: string, limit: number): string[] {
  const sentences = text.match(/[^.!?\n]+(?:[.!?]+|\n|$)\s*/g) ?? [text];
  const out: string[] = [];
  let current = '';
  for (const raw of sentences) {
    for (const sentence of raw.length > limit ? wordsCut(raw, limit) : [raw]) {
      if (current && current.length + sentence.length > limit) {
        out.push(current.trim());
        current = '';
      }
      current += sentence;
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function wordsCut(text: string, limit: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const cut = rest.lastIndexOf(' ', limit);
    const at = cut > limit / 2 ? cut : limit;
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  return rest ? [...out, rest] : out;
}

/** The last whole sentences of a passage, up to `overlapChars`: what the next passage starts with. */
function overlapOf(passage: string): string {
  const tail = passage.slice(-overlapChars);
  const start = tail.search(/(?<=[.!?]\s)\S/);
  return start > 0 ? tail.slice(start) : '';
}
