import { fromHex } from '../bytes.ts';

// The X25519 public keys of small order (libsodium's blocklist): 0, 1, the two
// points of order 8, and p-1, p, p+1. X25519 ignores the top bit of the last
// byte, so each is compared with that bit cleared. Any of them makes the shared
// secret independent of our private key (all zero, for the ones in this list).
const LOW_ORDER = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map(fromHex);

/**
 * True if a 32-byte X25519 public key has small order (its shared secret with
 * any private key is all zero). Used to refuse such keys early, for instance
 * when a key directory hands one out, before any Diffie-Hellman happens.
 * Runs in time independent of the key's value.
 *
 * @example
 * if (isLowOrderX25519PublicKey(peer)) throw new RangeError('unusable public key');
 */
export function isLowOrderX25519PublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== 32) return false;
  let found = 0;
  for (const candidate of LOW_ORDER) {
    let diff = 0;
    for (let i = 0; i < 31; i++) diff |= publicKey[i]! ^ candidate[i]!;
    diff |= (publicKey[31]! & 0x7f) ^ candidate[31]!;
    found |= diff === 0 ? 1 : 0;
  }
  return found === 1;
}
