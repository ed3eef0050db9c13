import { concatBytes, utf8 } from '../bytes.ts';
import { hkdfExpandSha512 } from '../primitives/hkdf-expand.ts';
import { COMMITMENT_SIZE, INFO_LABEL, KEY_SIZE, NONCE_SIZE, SALT_SIZE } from './constants.ts';

/** Per-message AEAD key, base nonce and key commitment. */
export interface MessageKeys {
  aeadKey: Uint8Array;
  baseNonce: Uint8Array;
  commitment: Uint8Array;
}

const LABEL = utf8(INFO_LABEL);

/** Derive the per-message keys from the input key, salt and context. */
export async function deriveMessageKeys(
  inputKey: Uint8Array,
  salt: Uint8Array,
  context: Uint8Array,
): Promise<MessageKeys> {
  if (salt.length !== SALT_SIZE) throw new RangeError('salt must be 24 bytes');
  const info = concatBytes(LABEL, new Uint8Array([0]), salt, context);
  const okm = await hkdfExpandSha512(inputKey, info, KEY_SIZE + NONCE_SIZE + COMMITMENT_SIZE);
  return {
    aeadKey: okm.slice(0, KEY_SIZE),
    baseNonce: okm.slice(KEY_SIZE, KEY_SIZE + NONCE_SIZE),
    commitment: okm.slice(KEY_SIZE + NONCE_SIZE),
  };
}

/** nonce = baseNonce XOR big-endian chunk counter (in the last 8 bytes). */
export function chunkNonce(baseNonce: Uint8Array, counter: number): Uint8Array<ArrayBuffer> {
  const nonce = new Uint8Array(baseNonce);
  let value = BigInt(counter);
  for (let i = NONCE_SIZE - 1; i >= NONCE_SIZE - 8 && value > 0n; i--) {
    nonce[i]! ^= Number(value & 0xffn);
    value >>= 8n;
  }
  return nonce;
}
