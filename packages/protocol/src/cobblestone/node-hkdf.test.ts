import * as nodeCrypto from 'node:crypto';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes.ts';
import { hkdfExpandSha512 } from '../primitives/hkdf-expand.ts';
import { makeNodeHkdfExpandSha512 } from './node-hkdf.ts';

// RFC 5869 HKDF-Expand on createHmac, the textbook way.
function reference(prk: Uint8Array, info: Uint8Array, length: number): string {
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let i = 1; blocks.length * 64 < length; i++) {
    previous = createHmac('sha512', prk)
      .update(Buffer.concat([previous, info, Buffer.from([i])]))
      .digest();
    blocks.push(previous);
  }
  return Buffer.concat(blocks).subarray(0, length).toString('hex');
}

describe('HKDF-Expand-SHA-512 on one-shot node:crypto hashes', () => {
  const expand = makeNodeHkdfExpandSha512(nodeCrypto)!;

  it('is available on this Node', () => {
    expect(expand).toBeTypeOf('function');
  });

  it('matches createHmac and WebCrypto for keys shorter, equal and longer than a block', async () => {
    for (const keyLength of [0, 1, 32, 64, 127, 128, 129, 300]) {
      for (const length of [1, 32, 64, 65, 76, 128, 200]) {
        const prk = randomBytes(keyLength);
        const info = randomBytes((keyLength * 7 + length) % 190);
        const got = toHex(expand(prk, info, length));
        expect(got).toBe(reference(prk, info, length));
        if (keyLength > 0) expect(got).toBe(toHex(await hkdfExpandSha512(prk, info, length)));
      }
    }
  });

  it('reads only the bytes of a key view, not the rest of its buffer', () => {
    const backing = randomBytes(96);
    const prk = backing.subarray(16, 48);
    const info = randomBytes(40);
    expect(toHex(expand(prk, info, 76))).toBe(reference(Buffer.from(prk), info, 76));
  });

  it('refuses more than 255 blocks', () => {
    expect(() => expand(randomBytes(32), new Uint8Array(0), 255 * 64 + 1)).toThrow(RangeError);
  });
});
