import { ownedCopy } from '../bytes.ts';

/**
 * SHA-256 through WebCrypto (Node and browsers).
 *
 * @example
 * const digest = await sha256(utf8('abc')); // 32 bytes
 */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', ownedCopy(data)));
}

/**
 * SHA-512 through WebCrypto (Node and browsers).
 *
 * @example
 * const digest = await sha512(utf8('abc')); // 64 bytes
 */
export async function sha512(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-512', ownedCopy(data)));
}
