import { describe, expect, it } from 'vitest';
import { chunkDocument } from '../../domain/knowledge/chunks';
import { parseDocument, UnreadableDocumentError } from '../../activities/knowledge/parse';
import { bodyOf } from '../../domain/knowledge/sections';
import { pdfWithText } from '../support/pdf';

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Documents read into sections, and sections into passages: headings, links and tables kept as text. */
describe('reading documents', () => {
  it('reads Markdown into sections under their headings, with links and tables as text', async () => {
    const doc = await parseDocument(
      utf8(
        '# Menu\n\nAll drinks come hot or iced. See [our site](https://cafe.example/menu).\n\n## Coffee\n\n' +
          '| Drink | Price |\n|---|---|\n| Latte | $5.25 |\n| Espresso | $3.50 |\n\n### Milk\n\n- Oat milk\n- Almond milk\n\n## Tea\n\nGreen or black.\n',
      ),
      'markdown',
      'menu.md',
    );
    expect(doc.title).toBe('Menu');
    expect(doc.sections).toEqual([
      { headings: [], blocks: ['All drinks come hot or iced. See our site (https://cafe.example/menu).'] },
      { headings: ['Coffee'], blocks: ['Drink: Latte; Price: $5.25\nDrink: Espresso; Price: $3.50'] },
      { headings: ['Coffee', 'Milk'], blocks: ['- Oat milk\n- Almond milk'] },
      { headings: ['Tea'], blocks: ['Green or black.'] },
    ]);
    expect(chunkDocument(doc).map((c) => c.section)).toEqual(['Menu', 'Menu > Coffee', 'Menu > Coffee > Milk', 'Menu > Tea']);
  });

  it('reads HTML without its scripts and page chrome, its <title> naming it', async () => {
    const doc = await parseDocument(
      utf8(
        '<html><head><title>Parking &amp; access</title><script>alert(1)</script></head><body><nav>Home | Menu</nav>' +
          '<h2>Parking</h2><p>Free parking behind the café, <a href="https://cafe.example/map">map</a>.</p>' +
          '<table><tr><th>Day</th><th>Spaces</th></tr><tr><td>Weekdays</td><td>12</td></tr></table><footer>© Café</footer></body></html>',
      ),
      'html',
      'parking.html',
    );
    expect(doc.title).toBe('Parking & access');
    const text = bodyOf(doc);
    expect(text).toContain('Free parking behind the café, map (https://cafe.example/map).');
    expect(text).toContain('Day: Weekdays; Spaces: 12');
    expect(text).not.toMatch(/alert|Home \| Menu|© Café/);
    expect(doc.sections[0]?.headings).toEqual(['Parking']);
  });

  it('reads the text of a PDF, page by page, titled by its metadata', async () => {
    const doc = await parseDocument(pdfWithText([['Gift cards never expire.'], ['They can be used in store and online.']], 'Gift cards'), 'pdf', 'gift.pdf');
    expect(doc.title).toBe('Gift cards');
    expect(bodyOf(doc)).toContain('Gift cards never expire.');
    expect(bodyOf(doc)).toContain('They can be used in store and online.');
  });

  it('says why a document cannot be read', async () => {
    await expect(parseDocument(new Uint8Array([0xff, 0xfe, 0x00, 0xd8]), 'text', 'x.txt')).rejects.toThrow(new UnreadableDocumentError('not UTF-8 text'));
    await expect(parseDocument(utf8('not a pdf at all'), 'pdf', 'x.pdf')).rejects.toThrow(/not a readable PDF/);
    await expect(parseDocument(pdfWithText([[]]), 'pdf', 'scan.pdf')).rejects.toThrow('the PDF has no text (a scan needs OCR first)');
    await expect(parseDocument(utf8('# Only a title\n'), 'markdown', 'x.md')).rejects.toThrow('the document has no text');
  });
});

describe('chunking', () => {
  it('cuts long sections into passages of about 1,200 characters that overlap by their last sentences', () => {
    const sentences = Array.from({ length: 60 }, (_, i) => `Sentence number ${i} says something about returns.`);
    const chunks = chunkDocument({ title: 'Returns', kind: 'text', sections: [{ headings: ['Policy'], blocks: [sentences.join(' ')] }] });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk.section).toBe('Returns > Policy');
      expect(chunk.content.length).toBeLessThanOrEqual(1500);
    }
    // Every sentence is in some passage, and each passage after the first starts with the end of the one before.
    for (const sentence of sentences) expect(chunks.some((c) => c.content.includes(sentence))).toBe(true);
    for (let i = 1; i < chunks.length; i += 1) {
      const overlap = chunks[i]?.content.split('\n\n')[0] ?? '';
      expect(overlap.length).toBeGreaterThan(0);
      expect(chunks[i - 1]?.content.endsWith(overlap)).toBe(true);
    }
  });

  it('never joins two sections in one passage', () => {
    const chunks = chunkDocument({ title: 'T', kind: 'markdown', sections: [{ headings: ['A'], blocks: ['a.'] }, { headings: ['B'], blocks: ['b.'] }] });
    expect(chunks).toEqual([{ section: 'T > A', content: 'a.' }, { section: 'T > B', content: 'b.' }]);
  });
});
