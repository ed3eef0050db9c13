// Each getRandomValues call costs microseconds of fixed overhead (more than the
// bytes themselves), and every message needs a 24-byte salt: small requests
// are served from a pool filled 4 KiB at a time. Served bytes are wiped from
// the pool so no random value stays in memory after it was handed out.
const POOL_SIZE = 4096;
const POOLED_MAX = 64;
const pool = new Uint8Array(POOL_SIZE);
let poolOffset = POOL_SIZE;

/**
 * Cryptographically secure random bytes from WebCrypto (Node and browsers).
 *
 * @example
 * const salt = randomBytes(24);
 */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  if (length <= POOLED_MAX) {
    if (POOL_SIZE - poolOffset < length) {
      crypto.getRandomValues(pool);
      poolOffset = 0;
    }
    out.set(pool.subarray(poolOffset, poolOffset + length));
    pool.fill(0, poolOffset, poolOffset + length);
    poolOffset += length;
    return out;
  }
  // getRandomValues fills at most 65 536 bytes per call.
  for (let offset = 0; offset < length; offset += 65_536) {
    crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + 65_536)));
  }
  return out;
}
