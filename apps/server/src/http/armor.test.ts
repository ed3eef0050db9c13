import { encodeArmor } from '@coffer/protocol';
import { describe, expect, it } from 'vitest';
import { armor, dearmor } from './armor.ts';
import { ApiError } from './errors.ts';

describe('server armor', () => {
  it('matches the protocol encoder both ways', () => {
    for (const length of [1, 2, 3, 4, 100, 1025]) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 37) & 0xff);
      expect(armor(bytes)).toBe(encodeArmor(bytes));
      expect(dearmor(armor(bytes), 'x')).toEqual(bytes);
    }
  });

  it('refuses non-canonical trailing bits, padding, foreign characters and an empty body', () => {
    // 'QQ' is the canonical spelling of 0x41; 'QR' decodes to the same byte.
    expect(dearmor('cfr1.QQ', 'x')).toEqual(new Uint8Array([0x41]));
    for (const bad of ['cfr1.QR', 'cfr1.QQ==', 'cfr1.Q+', 'cfr1.', 'cfr2.QQ', 'QQ']) {
      expect(() => dearmor(bad, 'x'), bad).toThrow(ApiError);
    }
  });
});
