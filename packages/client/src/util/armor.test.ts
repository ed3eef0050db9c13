import { encodeArmor } from '@coffer/protocol';
import { describe, expect, it } from 'vitest';
import { decodeEnvelopeArmor } from './armor.ts';

describe('decodeEnvelopeArmor', () => {
  it('decodes canonical armor like the protocol and refuses every other spelling', () => {
    for (let n = 1; n < 40; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      expect(decodeEnvelopeArmor(encodeArmor(bytes))).toEqual(bytes);
    }
    const text = encodeArmor(new Uint8Array([0xff, 0xee]));
    for (const bad of [
      `${text}=`,
      `${text.slice(0, -1)}9`,
      text.replace('cfr1.', 'cfr2.'),
      `${text} `,
      `cfr1.a+b/`,
    ]) {
      expect(() => decodeEnvelopeArmor(bad), bad).toThrow();
    }
  });

  it('returns bytes that own an exactly sized buffer (no shared pool slab)', () => {
    for (const n of [1, 2, 3, 100, 1400, 5000]) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      const decoded = decodeEnvelopeArmor(encodeArmor(bytes));
      expect(decoded).toEqual(bytes);
      expect(decoded.byteOffset).toBe(0);
      expect(decoded.buffer.byteLength).toBe(n);
    }
  });
});
