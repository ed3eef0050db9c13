import { NONCE_SIZE } from './constants.ts';

/**
 * Chunk nonces: nonce = baseNonce XOR the big-endian chunk counter in its
 * last 8 bytes (counters are safe integers, < 2^53, split into two 32-bit
 * halves), written into ONE reused 12-byte buffer: `nonceFor(i)`
 * returns that buffer holding chunk i's nonce. Only for APIs that copy the
 * nonce when called (node:crypto's createCipheriv, WebCrypto's encrypt and
 * decrypt both do), so that a chunk costs no nonce allocation.
 */
export function chunkNonces(baseNonce: Uint8Array): (counter: number) => Uint8Array<ArrayBuffer> {
  const nonce = new Uint8Array(NONCE_SIZE);
  nonce.set(baseNonce.subarray(0, NONCE_SIZE));
  const view = new DataView(nonce.buffer);
  const high = view.getUint32(4);
  const low = view.getUint32(8);
  return (counter) => {
    if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError('bad chunk counter');
    view.setUint32(4, high ^ Math.floor(counter / 0x1_0000_0000));
    view.setUint32(8, low ^ (counter % 0x1_0000_0000));
    return nonce;
  };
}
