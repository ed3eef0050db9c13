import { describe, expect, it } from 'vitest';
import { toHex } from '../src/bytes.ts';
import { cobblestoneOpen, cobblestoneSeal } from '../src/cobblestone/whole-message.ts';
import vectors from './vectors/wycheproof/c2sp_chunked_encryption_aes_256_gcm_test.json' with {
  type: 'json',
};
import { type CobblestoneVector, fromHex, inflateZlib, sha512Hex } from './wycheproof.ts';

const cases = vectors.testGroups.flatMap((group) => group.tests) as CobblestoneVector[];

describe('Cobblestone-256 Wycheproof vectors (whole message)', () => {
  it('has all 35 cases', () => {
    expect(cases).toHaveLength(35);
  });

  for (const vector of cases) {
    it(`tc${vector.tcId} ${vector.comment} -> ${vector.result}`, async () => {
      const key = fromHex(vector.key);
      const context = fromHex(vector.ctx);
      const ciphertext = await inflateZlib(fromHex(vector.ct));
      if (vector.result === 'valid') {
        const plaintext = await cobblestoneOpen(key, context, ciphertext);
        expect(plaintext.length).toBe(vector.msgLength);
        expect(await sha512Hex(plaintext)).toBe(vector.msgSha512);
        const resealed = await cobblestoneSeal(key, context, plaintext, {
          salt: ciphertext.slice(0, 24),
        });
        expect(toHex(resealed)).toBe(toHex(ciphertext));
      } else {
        await expect(cobblestoneOpen(key, context, ciphertext)).rejects.toThrow();
      }
    });
  }
});
