import { describe, expect, it } from 'vitest';
import { maxBodyChars, splitBody } from '../../activities/split-body';

describe('splitBody', () => {
  it('leaves a short body whole', () => {
    expect(splitBody('Hello there.')).toEqual(['Hello there.']);
  });

  it('splits a long body on sentence ends, each part within the limit, nothing lost', () => {
    const sentence = 'This sentence is exactly fifty characters long ok. ';
    const body = sentence.repeat(70).trim();
    const parts = splitBody(body);
    expect(parts.length).toBe(3);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(maxBodyChars);
      expect(part.endsWith('.')).toBe(true);
    }
    expect(parts.join(' ')).toBe(body);
  });

  it('falls back to word breaks, then to a hard cut for one endless word', () => {
    const words = Array.from({ length: 500 }, (_, i) => `word${i}`).join(' ');
    const parts = splitBody(words, 100);
    expect(parts.every((p) => p.length <= 100 && !p.startsWith(' '))).toBe(true);
    expect(parts.join(' ')).toBe(words);
    expect(splitBody('x'.repeat(250), 100)).toEqual(['x'.repeat(100), 'x'.repeat(100), 'x'.repeat(50)]);
  });
});
