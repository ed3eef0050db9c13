import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { ownedCopy } from '../bytes.ts';
import { DecryptionError } from '../errors.ts';
import { x25519PublicKey } from './x25519.ts';
import { isLowOrderX25519PublicKey } from './x25519-low-order.ts';

/** RFC 9180 identifiers of the one HPKE suite Coffer uses (base mode, single shot). */
export const HPKE_SUITE_IDS = { kem: 0x0020, kdf: 0x0001, aead: 0x0002 } as const;

const suite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes256Gcm(),
});

/** The result of a single-shot seal: the encapsulated key and ciphertext ‖ tag. */
export interface HpkeSealed {
  enc: Uint8Array;
  ciphertext: Uint8Array;
}

async function seal(
  recipientPublicKey: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  ikmE: Uint8Array | undefined,
): Promise<HpkeSealed> {
  // A low-order recipient key would make the shared secret public; refuse it
  // before the exchange (WebCrypto would also throw on the all-zero DH).
  if (recipientPublicKey.length !== 32 || isLowOrderX25519PublicKey(recipientPublicKey)) {
    throw new RangeError('invalid X25519 recipient public key');
  }
  const recipientKey = await suite.kem.deserializePublicKey(ownedCopy(recipientPublicKey));
  const sealed = await suite.seal(
    {
      recipientPublicKey: recipientKey,
      info: ownedCopy(info),
      ...(ikmE === undefined ? {} : { ekm: ownedCopy(ikmE) }),
    },
    ownedCopy(plaintext),
    ownedCopy(aad),
  );
  return { enc: new Uint8Array(sealed.enc), ciphertext: new Uint8Array(sealed.ct) };
}

/**
 * Single-shot HPKE (RFC 9180) base-mode seal to a raw X25519 public key with
 * DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM. Returns enc (32 bytes)
 * and ciphertext ‖ tag (plaintext length + 16).
 *
 * @throws RangeError if the recipient key is not 32 bytes or has low order.
 * @example
 * const { enc, ciphertext } = await hpkeSeal(recipientPublicKey, utf8('coffer/v1/hpke'), aad, dek);
 */
export function hpkeSeal(
  recipientPublicKey: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Promise<HpkeSealed> {
  return seal(recipientPublicKey, info, aad, plaintext, undefined);
}

/**
 * TEST ONLY, never exported from the package: {@link hpkeSeal} with the
 * ephemeral key pair derived from `ikmE` (RFC 9180 DeriveKeyPair), so that
 * known-answer tests can reproduce the RFC's appendix.
 */
export function hpkeSealWithEphemeralIkm(
  ikmE: Uint8Array,
  recipientPublicKey: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Promise<HpkeSealed> {
  return seal(recipientPublicKey, info, aad, plaintext, ikmE);
}

/**
 * Single-shot HPKE base-mode open with a raw 32-byte X25519 private key.
 * Every failure (low-order or malformed enc, wrong key, wrong info or aad,
 * forged ciphertext) is the same {@link DecryptionError}.
 *
 * @example
 * const dek = await hpkeOpen(myPrivateKey, enc, utf8('coffer/v1/hpke'), aad, ciphertext);
 */
export async function hpkeOpen(
  recipientPrivateKey: Uint8Array,
  enc: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  if (recipientPrivateKey.length !== 32) {
    throw new RangeError('X25519 private key must be 32 bytes');
  }
  if (enc.length !== 32 || isLowOrderX25519PublicKey(enc)) throw new DecryptionError();
  try {
    const privateKey = await suite.kem.deserializePrivateKey(ownedCopy(recipientPrivateKey));
    const publicKey = await suite.kem.deserializePublicKey(
      ownedCopy(await x25519PublicKey(recipientPrivateKey)),
    );
    const plaintext = await suite.open(
      { recipientKey: { privateKey, publicKey }, enc: ownedCopy(enc), info: ownedCopy(info) },
      ownedCopy(ciphertext),
      ownedCopy(aad),
    );
    return new Uint8Array(plaintext);
  } catch {
    throw new DecryptionError();
  }
}
