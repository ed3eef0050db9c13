import { concatBytes, utf8 } from '../bytes.ts';
import { hpkeOpen, hpkeSeal, hpkeSealWithEphemeralIkm } from '../primitives/hpke.ts';
import { LABEL_HPKE_INFO } from './constants.ts';

const INFO = utf8(LABEL_HPKE_INFO);

/**
 * X25519 stanza body: enc(32) ‖ HPKE ct(48) of the DEK, info "coffer/v1/hpke",
 * aad = wrapContext. `ephemeralIkm` (golden vectors only) feeds HPKE
 * DeriveKeyPair; the ephemeral key is random otherwise.
 */
export async function wrapX25519(
  recipientPublicKey: Uint8Array,
  wrapContextBytes: Uint8Array,
  dek: Uint8Array,
  ephemeralIkm?: Uint8Array,
): Promise<Uint8Array> {
  const sealed = ephemeralIkm
    ? await hpkeSealWithEphemeralIkm(ephemeralIkm, recipientPublicKey, INFO, wrapContextBytes, dek)
    : await hpkeSeal(recipientPublicKey, INFO, wrapContextBytes, dek);
  return concatBytes(sealed.enc, sealed.ciphertext);
}

/** Recover the DEK from an X25519 stanza body; throws on any failure. */
export function unwrapX25519(
  privateKey: Uint8Array,
  wrapContextBytes: Uint8Array,
  body: Uint8Array,
): Promise<Uint8Array> {
  return hpkeOpen(privateKey, body.subarray(0, 32), INFO, wrapContextBytes, body.subarray(32));
}
