import { NONCE_SIZE } from './constants.ts';

/**
 * nonce = baseNonce XOR the big-endian chunk counter in its last 8 bytes.
 * Counters are safe integers (< 2^53), split into two 32-bit halves.
 */
export function chunkNonce(baseNonce: Uint8Array, counter: number): Uint8Array<ArrayBuffer> {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError('bad chunk counter');
  const nonce = new Uint8Array(NONCE_SIZE);
  nonce.set(baseNonce);
  const view = new DataView(nonce.buffer);
  view.setUint32(4, view.getUint32(4) ^ Math.floor(counter / 0x1_0000_0000));
  view.setUint32(8, view.getUint32(8) ^ (counter % 0x1_0000_0000));
  return nonce;
}
