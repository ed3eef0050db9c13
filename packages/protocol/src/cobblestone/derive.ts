import { utf8 } from '../bytes.ts';
import {
  type CobblestoneBackend,
  cobblestoneBackend,
  type SyncCobblestoneBackend,
} from './backend.ts';
import { COMMITMENT_SIZE, INFO_LABEL, KEY_SIZE, NONCE_SIZE, SALT_SIZE } from './constants.ts';

/** Per-message AEAD key, base nonce and key commitment. */
export interface MessageKeys {
  aeadKey: Uint8Array;
  baseNonce: Uint8Array;
  commitment: Uint8Array;
}

const LABEL = utf8(INFO_LABEL);
const OKM_SIZE = KEY_SIZE + NONCE_SIZE + COMMITMENT_SIZE;

/** label ‖ 0x00 ‖ salt ‖ context */
function infoFor(salt: Uint8Array, context: Uint8Array): Uint8Array {
  if (salt.length !== SALT_SIZE) throw new RangeError('salt must be 24 bytes');
  const info = new Uint8Array(LABEL.length + 1 + SALT_SIZE + context.length);
  info.set(LABEL);
  info.set(salt, LABEL.length + 1);
  info.set(context, LABEL.length + 1 + SALT_SIZE);
  return info;
}

function split(okm: Uint8Array): MessageKeys {
  return {
    aeadKey: okm.subarray(0, KEY_SIZE),
    baseNonce: okm.subarray(KEY_SIZE, KEY_SIZE + NONCE_SIZE),
    commitment: okm.subarray(KEY_SIZE + NONCE_SIZE),
  };
}

/**
 * key ‖ baseNonce ‖ commitment = HKDF-Expand(SHA-512, inputKey,
 * label ‖ 0x00 ‖ salt ‖ context, 76).
 */
export async function deriveMessageKeys(
  inputKey: Uint8Array,
  salt: Uint8Array,
  context: Uint8Array,
  backend: CobblestoneBackend = cobblestoneBackend(),
): Promise<MessageKeys> {
  const info = infoFor(salt, context);
  return split(await backend.hkdfExpandSha512(inputKey, info, OKM_SIZE));
}

/** {@link deriveMessageKeys} on a synchronous backend. */
export function deriveMessageKeysSync(
  inputKey: Uint8Array,
  salt: Uint8Array,
  context: Uint8Array,
  backend: SyncCobblestoneBackend,
): MessageKeys {
  return split(backend.hkdfExpandSha512(inputKey, infoFor(salt, context), OKM_SIZE));
}
