import { describe, expect, it } from 'vitest';
import { CitationFilter, citedSources } from '../../domain/citations';

const passages = [
  { n: 1, documentId: 'd1', title: 'Delivery', url: 'https://shop.example/delivery' },
  { n: 2, documentId: 'd2', title: 'Returns', url: null },
  { n: 3, documentId: 'd1', title: 'Delivery', url: 'https://shop.example/delivery' },
];

describe('citations', () => {
  it('strips the markers a reply cites its passages with, and keeps each cited document once, in order', () => {
    expect(citedSources('Express arrives next day [1]. Returns take 30 days [2][3].', passages)).toEqual({
      text: 'Express arrives next day. Returns take 30 days.',
      sources: [
        { documentId: 'd1', title: 'Delivery', url: 'https://shop.example/delivery' },
        { documentId: 'd2', title: 'Returns', url: null },
      ],
    });
    expect(citedSources('Both apply [2, 1].', passages).sources.map((s) => s.documentId)).toEqual(['d2', 'd1']);
    expect(citedSources('See [1-2].', passages).sources).toHaveLength(2);
  });

  it('drops markers naming no passage, and leaves other brackets alone', () => {
    expect(citedSources('Hours vary [9]. Order [A-12] is on its way.', passages)).toEqual({ text: 'Hours vary. Order [A-12] is on its way.', sources: [] });
  });

  it('takes markers out of a streamed reply, however the tokens split them', () => {
    const text = 'Express arrives next day [1]. Returns [2, 3] take 30 days; see [our page].';
    for (let size = 1; size <= 6; size += 1) {
      const filter = new CitationFilter();
      let out = '';
      for (let i = 0; i < text.length; i += size) out += filter.push(text.slice(i, i + size));
      out += filter.end();
      expect(out, `tokens of ${size}`).toBe('Express arrives next day. Returns take 30 days; see [our page].');
    }
  });
});
