/**
 * @coffer/protocol: the envelope format, crypto primitives, key hierarchy and
 * wire schemas of Coffer. Pure: no I/O, runs in Node and browsers.
 */

export * from './bytes.ts';
export * from './cobblestone/index.ts';
export * from './envelope/index.ts';
export * from './errors.ts';
export * from './keys/index.ts';
export {
  ARGON2ID_CEILING,
  ARGON2ID_FLOOR,
  type Argon2idParams,
  argon2id,
  assertArgon2idParams,
} from './primitives/argon2id.ts';
export {
  type Ed25519KeyPair,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  generateEd25519KeyPair,
} from './primitives/ed25519.ts';
export { hkdfSha256 } from './primitives/hkdf-sha256.ts';
export { hmacSha256, hmacSha512 } from './primitives/hmac.ts';
export { randomBytes } from './primitives/random.ts';
export { sha256, sha512 } from './primitives/sha.ts';
export { generateX25519KeyPair, type X25519KeyPair, x25519PublicKey } from './primitives/x25519.ts';
export { isLowOrderX25519PublicKey } from './primitives/x25519-low-order.ts';
export * from './record/index.ts';
export * from './version.ts';
export * from './wire/index.ts';
