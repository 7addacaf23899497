/** A document a reply drew on: what the customer and the agents are shown as its source. */
export interface ReplySource {
  documentId: string;
  title: string;
  url: string | null;
}

/**
 * Whether a customer's message asks something a business would answer with facts: a question mark, or a question's
 * first word ("when do you open", "do you deliver", "how much").
 */
export function asksAFact(text: string): boolean {
  const words = text.toLowerCase().trim();
  if (words.includes('?') || words.includes('¿')) return true;
  return /^(what|when|where|which|who|whose|why|how|do|does|did|is|are|can|could|will|would|should|have|has)\b/.test(words);
}

/** A knowledge-base passage as the model is given it: numbered, so its reply can cite it (`[2]`). */
export interface NumberedPassage extends ReplySource {
  n: number;
}

/** `[1]`, `[1, 3]`, `[2-3]`, `[1][2]`: a citation marker, with the space before it. */
const marker = /\s*\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]/g;

function numbersIn(group: string): number[] {
  const numbers: number[] = [];
  for (const part of group.split(',')) {
    const range = /^\s*(\d+)\s*[–-]\s*(\d+)\s*$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      for (let n = from; n <= Math.min(to, from + 20); n += 1) numbers.push(n);
    } else numbers.push(Number(part.trim()));
  }
  return numbers;
}

/**
 * The reply as the customer sees it, without its citation markers, and the documents it cited, in the order first
 * cited (each once). A marker naming no passage it was given is dropped too.
 */
export function citedSources(text: string, passages: readonly NumberedPassage[]): { text: string; sources: ReplySource[] } {
  const byNumber = new Map(passages.map((p) => [p.n, p]));
  const sources: ReplySource[] = [];
  for (const match of text.matchAll(marker)) {
    for (const n of numbersIn(match[1] ?? '')) {
      const passage = byNumber.get(n);
      if (passage && !sources.some((s) => s.documentId === passage.documentId)) {
        sources.push({ documentId: passage.documentId, title: passage.title, url: passage.url });
      }
    }
  }
  const stripped = text.replace(marker, '').replace(/ +([.,;:!?])/g, '$1').trim();
  return { text: stripped, sources };
}

/**
 * Takes citation markers out of a reply while it streams: text that may be the start of one (`[`, `[1`, `[1, `) is
 * held back until it is one (dropped) or is not (let through).
 */
export class CitationFilter {
  private held = '';

  /** What of `token` (with what was held) can go out now. */
  push(token: string): string {
    this.held += token;
    let out = '';
    for (;;) {
      const open = this.held.search(/\s*\[/);
      if (open < 0) {
        // Spaces at the end may come before a marker: they wait for what follows.
        const spaces = /\s*$/.exec(this.held)?.[0] ?? '';
        out += this.held.slice(0, this.held.length - spaces.length);
        this.held = spaces;
        return out;
      }
      out += this.held.slice(0, open);
      this.held = this.held.slice(open);
      const whole = /^\s*\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]/.exec(this.held);
      if (whole) {
        this.held = this.held.slice(whole[0].length);
        continue;
      }
      // Still possibly a marker: wait for more.
      if (/^\s*\[(\d{1,3}(\s*[,–-]\s*\d{0,3})*)?$/.test(this.held) || /^\s+$/.test(this.held)) return out;
      // Not a marker: let its first character through and look again.
      out += this.held.slice(0, 1);
      this.held = this.held.slice(1);
    }
  }

  /** What is still held when the reply ends (a `[` that never closed). */
  end(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }
}
