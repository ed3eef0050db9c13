import { ownedCopy } from '../bytes.ts';
import { jwkBase64UrlToBytes } from './base64url.ts';
import { importOwnKey } from './import-own-key.ts';
import { isLowOrderX25519PublicKey } from './x25519-low-order.ts';

/** An X25519 key pair as raw 32-byte values. */
export interface X25519KeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

// PKCS#8 prefix for a raw 32-byte X25519 private key (RFC 8410).
const X25519_PKCS8_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);

function privateKeyPkcs8(privateKey: Uint8Array): Uint8Array<ArrayBuffer> {
  if (privateKey.length !== 32) throw new RangeError('X25519 private key must be 32 bytes');
  const pkcs8 = new Uint8Array(X25519_PKCS8_PREFIX.length + 32);
  pkcs8.set(X25519_PKCS8_PREFIX);
  pkcs8.set(privateKey, X25519_PKCS8_PREFIX.length);
  return pkcs8;
}

/**
 * Generate an X25519 key pair with WebCrypto.
 *
 * @example
 * const { publicKey, privateKey } = await generateX25519KeyPair();
 */
export async function generateX25519KeyPair(): Promise<X25519KeyPair> {
  const pair = (await crypto.subtle.generateKey({ name: 'X25519' }, true, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  return { publicKey, privateKey: pkcs8.slice(X25519_PKCS8_PREFIX.length) };
}

/**
 * Import a raw 32-byte X25519 private key as a non-extractable WebCrypto key.
 *
 * @example
 * const key = await importX25519PrivateKey(privateKey);
 */
export function importX25519PrivateKey(privateKey: Uint8Array): Promise<CryptoKey> {
  return importOwnKey('pkcs8', privateKeyPkcs8(privateKey), { name: 'X25519' }, false, [
    'deriveBits',
  ]);
}

/**
 * The public key of a raw X25519 private key (RFC 7748 scalar clamping applies).
 *
 * @example
 * const publicKey = await x25519PublicKey(privateKey);
 */
export async function x25519PublicKey(privateKey: Uint8Array): Promise<Uint8Array> {
  const key = await importOwnKey('pkcs8', privateKeyPkcs8(privateKey), { name: 'X25519' }, true, [
    'deriveBits',
  ]);
  const jwk = await crypto.subtle.exportKey('jwk', key);
  if (!jwk.x) throw new Error('X25519 public key export failed');
  return jwkBase64UrlToBytes(jwk.x);
}

/**
 * X25519 shared secret (RFC 7748). A low-order peer key (all-zero shared
 * secret) is refused with a RangeError, before and after the exchange.
 *
 * @example
 * const shared = await x25519(myPrivateKey, peerPublicKey);
 */
export async function x25519(
  privateKey: Uint8Array,
  peerPublicKey: Uint8Array,
): Promise<Uint8Array> {
  if (peerPublicKey.length !== 32) throw new RangeError('X25519 public key must be 32 bytes');
  if (isLowOrderX25519PublicKey(peerPublicKey)) {
    throw new RangeError('X25519 public key has low order');
  }
  const priv = await importX25519PrivateKey(privateKey);
  const pub = await importOwnKey('raw', ownedCopy(peerPublicKey), { name: 'X25519' }, false, []);
  // WebCrypto itself must throw on an all-zero result (Secure Curves spec);
  // the check below keeps that guarantee if an engine does not.
  const shared = new Uint8Array(
    await crypto.subtle.deriveBits({ name: 'X25519', public: pub }, priv, 256),
  );
  let acc = 0;
  for (const byte of shared) acc |= byte;
  if (acc === 0) throw new RangeError('X25519 produced an all-zero shared secret');
  return shared;
}
