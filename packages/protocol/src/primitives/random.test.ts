import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes.ts';
import { randomBytes } from './random.ts';

describe('randomBytes', () => {
  it('returns exactly the requested length, pooled or not', () => {
    for (const length of [0, 1, 24, 64, 65, 70_000])
      expect(randomBytes(length).length).toBe(length);
  });

  it('never hands out the same pooled bytes twice, across pool refills', () => {
    // 1 000 salts span several 4 KiB refills; a repeat would mean reused pool bytes.
    const seen = new Set(Array.from({ length: 1000 }, () => toHex(randomBytes(24))));
    expect(seen.size).toBe(1000);
  });

  it('fills large requests past the 64 KiB getRandomValues limit', () => {
    const bytes = randomBytes(200_000);
    // A zero-filled tail would mean a skipped getRandomValues call.
    expect(bytes.subarray(150_000).some((b) => b !== 0)).toBe(true);
  });
});
