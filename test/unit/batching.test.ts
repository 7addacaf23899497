import { describe, expect, it } from 'vitest';
import { batchDeadline, rememberId } from '../../workflows/batching';

describe('batchDeadline', () => {
  it('waits for a quiet gap after the newest message', () => {
    expect(batchDeadline([1000], 1500, 8000)).toBe(2500);
    expect(batchDeadline([1000, 2000, 3000], 1500, 8000)).toBe(4500);
  });

  it('never waits longer than the cap from the first message', () => {
    expect(batchDeadline([0, 7000, 7900], 1500, 8000)).toBe(8000);
  });

  it('answers at once with a zero quiet window', () => {
    expect(batchDeadline([500], 0, 0)).toBe(500);
  });

  it('does not depend on arrival order', () => {
    expect(batchDeadline([3000, 1000], 1500, 8000)).toBe(4500);
  });
});

describe('rememberId', () => {
  it('keeps the newest ids up to the bound', () => {
    let recent: string[] = [];
    for (const id of ['a', 'b', 'c', 'd']) recent = rememberId(recent, id, 3);
    expect(recent).toEqual(['b', 'c', 'd']);
  });
});
