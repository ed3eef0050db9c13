import { ownedCopy } from '../bytes.ts';

type HmacHash = 'SHA-256' | 'SHA-512';

async function hmacKey(hash: HmacHash, key: Uint8Array, usage: KeyUsage): Promise<CryptoKey> {
  // RFC 2104 zero-pads short keys to the block size, so an empty key equals
  // a block of zeros; WebCrypto refuses empty keys, so hand it that block.
  const raw = key.length === 0 ? new Uint8Array(hash === 'SHA-256' ? 64 : 128) : ownedCopy(key);
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash }, false, [usage]);
}

async function sign(hash: HmacHash, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const cryptoKey = await hmacKey(hash, key, 'sign');
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, ownedCopy(data)));
}

/**
 * HMAC-SHA-256 (RFC 2104) through WebCrypto.
 *
 * @example
 * const tag = await hmacSha256(key, message); // 32 bytes
 */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  return sign('SHA-256', key, data);
}

/**
 * HMAC-SHA-512 (RFC 2104) through WebCrypto.
 *
 * @example
 * const tag = await hmacSha512(key, message); // 64 bytes
 */
export function hmacSha512(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  return sign('SHA-512', key, data);
}

/**
 * Check a full-length HMAC-SHA-512 tag. WebCrypto's verify compares in
 * constant time; a tag of the wrong length is simply false.
 *
 * @example
 * if (!(await hmacSha512Verify(key, message, tag))) throw new DecryptionError();
 */
export async function hmacSha512Verify(
  key: Uint8Array,
  data: Uint8Array,
  tag: Uint8Array,
): Promise<boolean> {
  if (tag.length !== 64) return false;
  const cryptoKey = await hmacKey('SHA-512', key, 'verify');
  return crypto.subtle.verify('HMAC', cryptoKey, ownedCopy(tag), ownedCopy(data));
}
