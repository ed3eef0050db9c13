import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';

describe('backoffDelay (exponential, full jitter)', () => {
  const policy = { baseMs: 100, maxMs: 5_000 };

  it('spans [0, base * 2^(attempt-1)) and is capped', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(0);
    expect(backoffDelay(1, policy, () => 0.999999)).toBe(99);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
    expect(backoffDelay(4, policy, () => 0.999999)).toBe(799);
    expect(backoffDelay(50, policy, () => 0.999999)).toBe(4_999);
    expect(backoffDelay(10_000, DEFAULT_BACKOFF, () => 0.5)).toBe(30_000);
  });

  it('never exceeds the cap and never goes negative', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const d = backoffDelay(attempt, policy, () => r);
          return Number.isInteger(d) && d >= 0 && d < policy.maxMs;
        },
      ),
    );
  });
});
