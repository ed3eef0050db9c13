import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { concatBytes, ownedCopy, utf8 } from '../bytes.ts';
import { hpkeOpen } from '../primitives/hpke.ts';
import { LABEL_HPKE_INFO } from './constants.ts';

const INFO = utf8(LABEL_HPKE_INFO);

// RFC 9180 base mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM.
// A local suite (not primitives/hpke.ts) only so the golden-vector generator can
// derive the ephemeral key from its seeded RNG (`ekm`); the bytes are identical.
const suite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes256Gcm(),
});

/**
 * X25519 stanza body: enc(32) ‖ HPKE ct(48) of the DEK, aad = wrapContext.
 * `ephemeralSeed` (32 bytes) feeds HPKE DeriveKeyPair; random when absent.
 */
export async function wrapX25519(
  recipientPublicKey: Uint8Array,
  wrapContextBytes: Uint8Array,
  dek: Uint8Array,
  ephemeralSeed?: Uint8Array,
): Promise<Uint8Array> {
  if (recipientPublicKey.length !== 32) throw new RangeError('X25519 public key must be 32 bytes');
  const recipientKey = await suite.kem.deserializePublicKey(ownedCopy(recipientPublicKey).buffer);
  const sender = await suite.createSenderContext({
    recipientPublicKey: recipientKey,
    info: ownedCopy(INFO).buffer,
    ...(ephemeralSeed ? { ekm: ownedCopy(ephemeralSeed).buffer } : {}),
  });
  const ct = await sender.seal(ownedCopy(dek).buffer, ownedCopy(wrapContextBytes).buffer);
  return concatBytes(new Uint8Array(sender.enc), new Uint8Array(ct));
}

/** Recover the DEK from an X25519 stanza body; throws on any failure. */
export function unwrapX25519(
  privateKey: Uint8Array,
  wrapContextBytes: Uint8Array,
  body: Uint8Array,
): Promise<Uint8Array> {
  return hpkeOpen(privateKey, body.subarray(0, 32), INFO, wrapContextBytes, body.subarray(32));
}
