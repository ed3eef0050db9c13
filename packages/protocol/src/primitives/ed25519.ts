import { ownedCopy } from '../bytes.ts';
import { jwkBase64UrlToBytes } from './base64url.ts';
import { importOwnKey } from './import-own-key.ts';

/** An Ed25519 key pair: 32-byte seed (the RFC 8032 private key) and 32-byte public key. */
export interface Ed25519KeyPair {
  seed: Uint8Array;
  publicKey: Uint8Array;
}

// PKCS#8 prefix for a raw 32-byte Ed25519 seed (RFC 8410).
const ED25519_PKCS8_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

function seedToPkcs8(seed: Uint8Array): Uint8Array<ArrayBuffer> {
  if (seed.length !== 32) throw new RangeError('Ed25519 seed must be 32 bytes');
  const pkcs8 = new Uint8Array(ED25519_PKCS8_PREFIX.length + 32);
  pkcs8.set(ED25519_PKCS8_PREFIX);
  pkcs8.set(seed, ED25519_PKCS8_PREFIX.length);
  return pkcs8;
}

/**
 * The Ed25519 public key of a 32-byte seed (RFC 8032 section 5.1.5).
 *
 * @example
 * const publicKey = await ed25519PublicKey(seed);
 */
export async function ed25519PublicKey(seed: Uint8Array): Promise<Uint8Array> {
  const key = await importOwnKey('pkcs8', seedToPkcs8(seed), { name: 'Ed25519' }, true, ['sign']);
  const jwk = await crypto.subtle.exportKey('jwk', key);
  if (!jwk.x) throw new Error('Ed25519 public key export failed');
  return jwkBase64UrlToBytes(jwk.x);
}

/**
 * Generate a fresh Ed25519 key pair from 32 random bytes.
 *
 * @example
 * const { seed, publicKey } = await generateEd25519KeyPair();
 */
export async function generateEd25519KeyPair(): Promise<Ed25519KeyPair> {
  const seed = crypto.getRandomValues(new Uint8Array(32));
  return { seed, publicKey: await ed25519PublicKey(seed) };
}

/**
 * Sign a message with an Ed25519 seed (pure Ed25519, deterministic).
 *
 * @example
 * const signature = await ed25519Sign(seed, message); // 64 bytes
 */
export async function ed25519Sign(seed: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  const key = await importOwnKey('pkcs8', seedToPkcs8(seed), { name: 'Ed25519' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, key, ownedCopy(message)));
}

/**
 * Verify an Ed25519 signature; false (never a throw) on any malformed input.
 * WebCrypto's verifier rejects non-canonical S (S >= L) and undecodable points;
 * the Wycheproof suite in test/ checks this in Node and Chromium.
 *
 * @example
 * if (!(await ed25519Verify(publicKey, message, signature))) throw new DecryptionError();
 */
export async function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const key = await importOwnKey('raw', ownedCopy(publicKey), { name: 'Ed25519' }, false, [
      'verify',
    ]);
    return await crypto.subtle.verify(
      { name: 'Ed25519' },
      key,
      ownedCopy(signature),
      ownedCopy(message),
    );
  } catch {
    return false;
  }
}
