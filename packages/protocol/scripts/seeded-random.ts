import { createHash } from 'node:crypto';
import type { RandomSource } from '../src/envelope/random-source.ts';

/**
 * A deterministic byte stream for golden vectors ONLY: block i is
 * SHA-512(seed ‖ u64be(i)), read in order. Never use it for real keys.
 */
export function seededRandom(seed: string): RandomSource {
  let counter = 0n;
  let buffer = new Uint8Array(0);
  const random = ((length: number) => {
    while (buffer.length < length) {
      const block = new Uint8Array(8);
      new DataView(block.buffer).setBigUint64(0, counter++);
      const digest = createHash('sha512').update(seed).update(block).digest();
      const next = new Uint8Array(buffer.length + digest.length);
      next.set(buffer);
      next.set(digest, buffer.length);
      buffer = next;
    }
    const out = buffer.slice(0, length);
    buffer = buffer.slice(length);
    return out;
  }) as RandomSource;
  random.deterministic = true;
  return random;
}
