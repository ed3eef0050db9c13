// An independent RFC 9180 key schedule for DHKEM(X25519, HKDF-SHA256) and
// HKDF-SHA256, written from the RFC's pseudocode on top of raw WebCrypto HMAC.
// It is checked against appendix A.1.1, then used to predict Coffer's
// AES-256-GCM suite, for which the RFC has no appendix.
import { concatBytes, u16be, utf8 } from '../src/bytes.ts';

async function hmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey(
    'raw',
    new Uint8Array(key.length === 0 ? new Uint8Array(32) : key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, new Uint8Array(data)));
}

async function expand(prk: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  let t: Uint8Array = new Uint8Array(0);
  const out: Uint8Array[] = [];
  for (let i = 1; out.length * 32 < length; i++) {
    t = await hmac(prk, concatBytes(t, info, new Uint8Array([i])));
    out.push(t);
  }
  return concatBytes(...out).slice(0, length);
}

export function suiteId(kem: number, kdf: number, aead: number): Uint8Array {
  return concatBytes(utf8('HPKE'), u16be(kem), u16be(kdf), u16be(aead));
}

export const KEM_SUITE_ID = concatBytes(utf8('KEM'), u16be(0x0020));

export function labeledExtract(
  suite: Uint8Array,
  salt: Uint8Array,
  label: string,
  ikm: Uint8Array,
): Promise<Uint8Array> {
  return hmac(salt, concatBytes(utf8('HPKE-v1'), suite, utf8(label), ikm));
}

export function labeledExpand(
  suite: Uint8Array,
  prk: Uint8Array,
  label: string,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  const labeled = concatBytes(u16be(length), utf8('HPKE-v1'), suite, utf8(label), info);
  return expand(prk, labeled, length);
}

/** DeriveKeyPair's private key for X25519 (RFC 9180 section 7.1.3). */
export async function deriveX25519PrivateKey(ikm: Uint8Array): Promise<Uint8Array> {
  const empty = new Uint8Array(0);
  const prk = await labeledExtract(KEM_SUITE_ID, empty, 'dkp_prk', ikm);
  return labeledExpand(KEM_SUITE_ID, prk, 'sk', empty, 32);
}

/** ExtractAndExpand of DHKEM (section 4.1). */
export async function kemSharedSecret(dh: Uint8Array, kemContext: Uint8Array) {
  const prk = await labeledExtract(KEM_SUITE_ID, new Uint8Array(0), 'eae_prk', dh);
  return labeledExpand(KEM_SUITE_ID, prk, 'shared_secret', kemContext, 32);
}

/** KeySchedule in base mode (section 5.1), no PSK. */
export async function baseKeySchedule(
  suite: Uint8Array,
  sharedSecret: Uint8Array,
  info: Uint8Array,
  nk: number,
) {
  const empty = new Uint8Array(0);
  const pskIdHash = await labeledExtract(suite, empty, 'psk_id_hash', empty);
  const infoHash = await labeledExtract(suite, empty, 'info_hash', info);
  const context = concatBytes(new Uint8Array([0]), pskIdHash, infoHash);
  const secret = await labeledExtract(suite, sharedSecret, 'secret', empty);
  return {
    context,
    secret,
    key: await labeledExpand(suite, secret, 'key', context, nk),
    baseNonce: await labeledExpand(suite, secret, 'base_nonce', context, 12),
    exporterSecret: await labeledExpand(suite, secret, 'exp', context, 32),
  };
}
