import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeArmor, encodeArmor } from '../src/envelope/armor.ts';
import { EnvelopeFormatError } from '../src/errors.ts';

function nodeBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

describe('armor', () => {
  it('is "cfr1." plus unpadded base64url and round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = encodeArmor(bytes);
        expect(text).toBe(`cfr1.${nodeBase64Url(bytes)}`);
        expect(decodeArmor(text)).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['missing prefix', 'Q0ZS'],
    ['wrong prefix', 'cfr2.Q0ZS'],
    ['padding', 'cfr1.QQ=='],
    ['whitespace', 'cfr1.Q0 ZS'],
    ['trailing newline', 'cfr1.Q0ZS\n'],
    ['standard alphabet', 'cfr1.Q0+S'],
    ['impossible length', 'cfr1.Q0ZSA'],
    ['non-canonical trailing bits (1 byte)', 'cfr1.QR'],
    ['non-canonical trailing bits (2 bytes)', 'cfr1.QUF'],
    ['non-ASCII', 'cfr1.Q0Zé'],
  ])('rejects %s', (_name, text) => {
    expect(() => decodeArmor(text)).toThrow(EnvelopeFormatError);
    try {
      decodeArmor(text);
    } catch (error) {
      expect((error as EnvelopeFormatError).code).toBe('bad_armor');
    }
  });

  it('accepts the canonical forms of those inputs', () => {
    expect(decodeArmor('cfr1.QQ')).toEqual(new Uint8Array([0x41]));
    expect(decodeArmor('cfr1.QUE')).toEqual(new Uint8Array([0x41, 0x41]));
    expect(decodeArmor('cfr1.')).toEqual(new Uint8Array(0));
  });
});
