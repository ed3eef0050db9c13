import { ownedCopy } from '../bytes.ts';

/** An X25519 key pair as raw 32-byte values. */
export interface X25519KeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

// PKCS#8 prefix for a raw 32-byte X25519 private key (RFC 8410).
const X25519_PKCS8_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);

/** Generate an X25519 key pair with WebCrypto. */
export async function generateX25519KeyPair(): Promise<X25519KeyPair> {
  const pair = (await crypto.subtle.generateKey({ name: 'X25519' }, true, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  return { publicKey, privateKey: pkcs8.slice(X25519_PKCS8_PREFIX.length) };
}

/** Import a raw X25519 private key for WebCrypto use. */
export function importX25519PrivateKey(privateKey: Uint8Array): Promise<CryptoKey> {
  const pkcs8 = new Uint8Array(X25519_PKCS8_PREFIX.length + 32);
  pkcs8.set(X25519_PKCS8_PREFIX);
  pkcs8.set(privateKey, X25519_PKCS8_PREFIX.length);
  return crypto.subtle.importKey('pkcs8', pkcs8, { name: 'X25519' }, false, ['deriveBits']);
}

/** Derive the public key of a raw X25519 private key. */
export async function x25519PublicKey(privateKey: Uint8Array): Promise<Uint8Array> {
  const pkcs8 = new Uint8Array(X25519_PKCS8_PREFIX.length + 32);
  pkcs8.set(X25519_PKCS8_PREFIX);
  pkcs8.set(privateKey, X25519_PKCS8_PREFIX.length);
  const key = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'X25519' }, true, [
    'deriveBits',
  ]);
  const jwk = await crypto.subtle.exportKey('jwk', key);
  if (!jwk.x) throw new Error('X25519 public key export failed');
  return base64UrlToBytes(jwk.x);
}

/**
 * X25519 shared secret. An all-zero result (low-order peer key) is rejected.
 */
export async function x25519(
  privateKey: Uint8Array,
  peerPublicKey: Uint8Array,
): Promise<Uint8Array> {
  const priv = await importX25519PrivateKey(privateKey);
  const pub = await crypto.subtle.importKey(
    'raw',
    ownedCopy(peerPublicKey),
    { name: 'X25519' },
    false,
    [],
  );
  const shared = new Uint8Array(
    await crypto.subtle.deriveBits({ name: 'X25519', public: pub }, priv, 256),
  );
  if (shared.every((b) => b === 0))
    throw new RangeError('X25519 produced an all-zero shared secret');
  return shared;
}

function base64UrlToBytes(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
