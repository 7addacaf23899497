import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../activities/models';

describe('the primary model circuit breaker', () => {
  it('opens after three failures within a minute, for thirty seconds, and a success starts the count afresh', () => {
    let now = 0;
    const breaker = new CircuitBreaker(3, 60_000, 30_000, () => now);
    breaker.failed();
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    breaker.failed();
    expect(breaker.isOpen()).toBe(false);
    now = 70_000;
    // The first two of these are over a minute old.
    breaker.failed();
    expect(breaker.isOpen()).toBe(false);
    breaker.failed();
    breaker.failed();
    expect(breaker.isOpen()).toBe(true);
    now += 29_999;
    expect(breaker.isOpen()).toBe(true);
    now += 1;
    expect(breaker.isOpen()).toBe(false);
  });
});
