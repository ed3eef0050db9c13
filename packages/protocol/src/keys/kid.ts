import { concatBytes, utf8 } from '../bytes.ts';
import { hkdfSha256 } from '../primitives/hkdf-sha256.ts';
import { sha256 } from '../primitives/sha.ts';
import { requireLength } from './input.ts';
import { KID_LENGTH, LABEL_KID_ED25519, LABEL_KID_SYMMETRIC, LABEL_KID_X25519 } from './labels.ts';

/** Kinds of public key a kid can name. */
export type PublicKeyKind = 'x25519' | 'ed25519';

const ZERO = new Uint8Array([0]);

/**
 * The 16-byte id of a public key:
 * `SHA-256("coffer/v1/kid/<kind>" ‖ 0x00 ‖ publicKey)[0..16]`.
 * The kind is in the hash, so an X25519 and an Ed25519 key with the same 32
 * bytes get different ids.
 *
 * @example
 * const kid = await kidForPublicKey('x25519', bundle.x25519.publicKey);
 */
export async function kidForPublicKey(
  kind: PublicKeyKind,
  publicKey: Uint8Array,
): Promise<Uint8Array> {
  requireLength(publicKey, 32, `${kind} public key`);
  const label = kind === 'x25519' ? LABEL_KID_X25519 : LABEL_KID_ED25519;
  const digest = await sha256(concatBytes(utf8(label), ZERO, publicKey));
  return digest.slice(0, KID_LENGTH);
}

/**
 * The 16-byte id of a 32-byte symmetric key (vault key, master key):
 * `HKDF-SHA-256(ikm = key, salt = empty, info = "coffer/v1/kid/symmetric", 16)`.
 * A PRF output under the key itself: it names the key without revealing it.
 *
 * @example
 * const kid = await kidForSymmetricKey(vaultKey);
 */
export async function kidForSymmetricKey(key: Uint8Array): Promise<Uint8Array> {
  requireLength(key, 32, 'symmetric key');
  return hkdfSha256(key, new Uint8Array(0), utf8(LABEL_KID_SYMMETRIC), KID_LENGTH);
}
