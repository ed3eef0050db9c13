import { describe, expect, it } from 'vitest';
import { parseByteRange } from './byte-range.ts';

describe('parseByteRange', () => {
  it('reads first-last, open-ended and suffix ranges as half-open intervals', () => {
    expect(parseByteRange('bytes=0-99', 1000)).toEqual([0, 100]);
    expect(parseByteRange(' bytes=500- ', 1000)).toEqual([500, 1000]);
    expect(parseByteRange('bytes=-10', 1000)).toEqual([990, 1000]);
    expect(parseByteRange('bytes=-5000', 1000)).toEqual([0, 1000]);
    expect(parseByteRange('bytes=990-5000', 1000)).toEqual([990, 1000]);
  });

  it('rejects unsatisfiable, malformed and multi-range headers', () => {
    for (const header of [
      'bytes=1000-',
      'bytes=5-4',
      'bytes=-0',
      'bytes=-',
      'bytes=0-1,5-6',
      'items=0-1',
      'bytes=a-b',
      'bytes=1234567890123456-',
    ]) {
      expect(parseByteRange(header, 1000), header).toBe('invalid');
    }
  });
});
