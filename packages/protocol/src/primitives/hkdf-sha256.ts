import { ownedCopy } from '../bytes.ts';

/** RFC 5869: at most 255 blocks of HashLen (32) bytes. */
export const HKDF_SHA256_MAX_LENGTH = 255 * 32;

/**
 * HKDF-SHA-256 (RFC 5869, Extract then Expand) through WebCrypto's HKDF.
 * An empty salt means HashLen zero bytes, as the RFC says.
 *
 * @example
 * const key = await hkdfSha256(ikm, new Uint8Array(0), utf8('coffer/v1/master-key'), 32);
 */
export async function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  if (!Number.isInteger(length) || length < 1 || length > HKDF_SHA256_MAX_LENGTH) {
    throw new RangeError(`HKDF-SHA-256 output length must be 1..${HKDF_SHA256_MAX_LENGTH}`);
  }
  const key = await crypto.subtle.importKey('raw', ownedCopy(ikm), 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: ownedCopy(salt), info: ownedCopy(info) },
    key,
    length * 8,
  );
  return new Uint8Array(bits);
}
