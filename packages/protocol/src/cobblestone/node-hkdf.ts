import type * as NodeCrypto from 'node:crypto';

const BLOCK = 128; // SHA-512 block size: the HMAC key pad length
const DIGEST = 64;

/**
 * HKDF-Expand with HMAC-SHA-512 (RFC 5869 2.3, RFC 2104) on node:crypto's
 * one-shot `hash`, synchronous. Why not `createHmac`: every Hmac object and
 * every Buffer handed back from native code costs microseconds, which is most
 * of a 1 KiB record's budget. One-shot hashes returning latin1 strings create
 * neither, so HMAC is built from two of them: H(k^opad ‖ H(k^ipad ‖ m)).
 * Returns undefined when this Node has no `crypto.hash` (before 21.7).
 */
export function makeNodeHkdfExpandSha512(
  nc: typeof NodeCrypto,
): ((prk: Uint8Array, info: Uint8Array, length: number) => Uint8Array) | undefined {
  if (typeof nc.hash !== 'function') return undefined;
  // 'binary' is Node's name for latin1: one char per byte, no Buffer allocated.
  const sha512 = (data: Uint8Array): string => nc.hash('sha512', data, 'binary');
  const decode = (text: string, out: Uint8Array, at: number): void => {
    for (let i = 0; i < DIGEST; i++) out[at + i] = text.charCodeAt(i);
  };

  // One scratch buffer, reused by every call (this is synchronous, so calls
  // never interleave) and wiped after each: k^ipad | k^opad ‖ H(inner) | T(i) |
  // inner. Fresh typed arrays are costly enough to show in a record's budget.
  let scratch = new Uint8Array(0);

  return (prk, info, length) => {
    if (length > 255 * DIGEST) throw new RangeError('HKDF-Expand output too long');
    const innerAt = BLOCK + BLOCK + DIGEST + DIGEST;
    const size = innerAt + BLOCK + DIGEST + info.length + 1;
    if (scratch.length < size) scratch = new Uint8Array(size);
    const ipad = scratch.subarray(0, BLOCK);
    const outer = scratch.subarray(BLOCK, BLOCK + BLOCK + DIGEST); // k^opad ‖ H(inner)
    const t = scratch.subarray(BLOCK + BLOCK + DIGEST, innerAt);
    // inner = k^ipad ‖ T(i-1) ‖ info ‖ i. T(0) is empty, so block 1 places the
    // pad right before info (offset DIGEST) and later blocks at offset 0.
    const inner = scratch.subarray(innerAt, size);
    const result = new Uint8Array(length);
    try {
      // k^ipad and k^opad from the key zero-padded to one block (RFC 2104;
      // longer keys are hashed first).
      ipad.fill(0);
      if (prk.length > BLOCK) decode(sha512(prk), ipad, 0);
      else ipad.set(prk);
      for (let j = 0; j < BLOCK; j++) {
        const k = ipad[j]!;
        ipad[j] = k ^ 0x36;
        outer[j] = k ^ 0x5c;
      }
      inner.set(info, BLOCK + DIGEST);
      for (let i = 1, done = 0; done < length; i++, done += DIGEST) {
        const padAt = i === 1 ? DIGEST : 0;
        inner.set(ipad, padAt);
        if (i > 1) inner.set(t, BLOCK);
        inner[inner.length - 1] = i;
        decode(sha512(inner.subarray(padAt)), outer, BLOCK);
        decode(sha512(outer), t, 0);
        result.set(length - done < DIGEST ? t.subarray(0, length - done) : t, done);
      }
    } finally {
      // Padded keys and intermediate blocks are key material.
      scratch.fill(0, 0, size);
    }
    return result;
  };
}
