import { concatBytes, ownedCopy } from '../bytes.ts';

/**
 * HKDF-Expand (RFC 5869 section 2.3) with HMAC-SHA-512, without Extract.
 * WebCrypto's HKDF always extracts first, so Expand is built on HMAC.
 *
 * @example
 * const okm = await hkdfExpandSha512(prk, info, 76);
 */
export async function hkdfExpandSha512(
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  if (length > 255 * 64) throw new RangeError('HKDF-Expand output too long');
  const key = await crypto.subtle.importKey(
    'raw',
    ownedCopy(prk),
    { name: 'HMAC', hash: 'SHA-512' },
    false,
    ['sign'],
  );
  const blocks: Uint8Array[] = [];
  let previous = new Uint8Array(0);
  for (let counter = 1; blocks.length * 64 < length; counter++) {
    const input = concatBytes(previous, info, new Uint8Array([counter]));
    previous = new Uint8Array(await crypto.subtle.sign('HMAC', key, ownedCopy(input)));
    blocks.push(previous);
  }
  return concatBytes(...blocks).slice(0, length);
}
