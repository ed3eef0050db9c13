import { describe, expect, it } from 'vitest';
import { concatBytes, constantTimeEqual, fromHex, toHex, u16be, u32be } from './bytes.ts';

describe('byte helpers', () => {
  it('round-trips hex and rejects malformed hex', () => {
    const bytes = new Uint8Array([0, 1, 0xab, 0xff]);
    expect(toHex(bytes)).toBe('0001abff');
    expect(fromHex('0001ABff')).toEqual(bytes);
    expect(() => fromHex('abc')).toThrow(TypeError);
    expect(() => fromHex('zz')).toThrow(TypeError);
  });

  it('encodes big-endian integers', () => {
    expect(u16be(0x1234)).toEqual(new Uint8Array([0x12, 0x34]));
    expect(u32be(0xdeadbeef)).toEqual(new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
  });

  it('compares in constant time and respects length', () => {
    expect(constantTimeEqual(fromHex('00ff'), fromHex('00ff'))).toBe(true);
    expect(constantTimeEqual(fromHex('00ff'), fromHex('00fe'))).toBe(false);
    expect(constantTimeEqual(fromHex('00'), fromHex('0000'))).toBe(false);
    expect(concatBytes(fromHex('01'), fromHex(''), fromHex('0203'))).toEqual(fromHex('010203'));
  });
});
