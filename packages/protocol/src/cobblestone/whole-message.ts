import { concatBytes, constantTimeEqual, ownedCopy } from '../bytes.ts';
import { DecryptionError } from '../errors.ts';
import { randomBytes } from '../primitives/random.ts';
import {
  CHUNK_SIZE,
  KEY_SIZE,
  PREFIX_SIZE,
  SALT_SIZE,
  SEALED_CHUNK_SIZE,
  TAG_SIZE,
} from './constants.ts';
import { chunkNonce, deriveMessageKeys } from './derive.ts';

/** Options for {@link cobblestoneSeal}. */
export interface CobblestoneSealOptions {
  /** Inject the salt (tests and vectors only); random otherwise. */
  salt?: Uint8Array;
}

/**
 * Encrypt a whole message with Cobblestone-256.
 * Output: salt(24) ‖ commitment(32) ‖ chunks; the last chunk is always shorter
 * than 16 KiB (possibly empty).
 *
 * @example
 * const ct = await cobblestoneSeal(key, context, plaintext);
 */
export async function cobblestoneSeal(
  inputKey: Uint8Array,
  context: Uint8Array,
  plaintext: Uint8Array,
  options: CobblestoneSealOptions = {},
): Promise<Uint8Array> {
  if (inputKey.length !== KEY_SIZE)
    throw new RangeError('Cobblestone-256 input key must be 32 bytes');
  const salt = options.salt ?? randomBytes(SALT_SIZE);
  const keys = await deriveMessageKeys(inputKey, salt, context);
  const key = await crypto.subtle.importKey('raw', ownedCopy(keys.aeadKey), 'AES-GCM', false, [
    'encrypt',
  ]);
  const parts: Uint8Array[] = [salt, keys.commitment];
  const chunkCount = Math.floor(plaintext.length / CHUNK_SIZE) + 1;
  for (let i = 0; i < chunkCount; i++) {
    const chunk = plaintext.subarray(
      i * CHUNK_SIZE,
      Math.min(plaintext.length, (i + 1) * CHUNK_SIZE),
    );
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: chunkNonce(keys.baseNonce, i), tagLength: 128 },
      key,
      ownedCopy(chunk),
    );
    parts.push(new Uint8Array(sealed));
  }
  return concatBytes(...parts);
}

/**
 * Decrypt and authenticate a whole Cobblestone-256 message. Any tampering,
 * truncation, extension or wrong key/context throws {@link DecryptionError}.
 */
export async function cobblestoneOpen(
  inputKey: Uint8Array,
  context: Uint8Array,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  // A wrong-sized key is just another key that cannot authenticate this message.
  if (inputKey.length !== KEY_SIZE || ciphertext.length < PREFIX_SIZE + TAG_SIZE) {
    throw new DecryptionError();
  }
  const salt = ciphertext.subarray(0, SALT_SIZE);
  const keys = await deriveMessageKeys(inputKey, salt, context);
  if (!constantTimeEqual(keys.commitment, ciphertext.subarray(SALT_SIZE, PREFIX_SIZE))) {
    throw new DecryptionError();
  }
  const body = ciphertext.subarray(PREFIX_SIZE);
  // Every chunk but the last is full; the last carries fewer than 16 KiB of plaintext.
  const fullChunks = Math.floor(body.length / SEALED_CHUNK_SIZE);
  const lastSealedLength = body.length - fullChunks * SEALED_CHUNK_SIZE;
  if (lastSealedLength < TAG_SIZE) throw new DecryptionError();
  const key = await crypto.subtle.importKey('raw', ownedCopy(keys.aeadKey), 'AES-GCM', false, [
    'decrypt',
  ]);
  const out: Uint8Array[] = [];
  for (let i = 0; i <= fullChunks; i++) {
    const sealed = body.subarray(
      i * SEALED_CHUNK_SIZE,
      Math.min(body.length, (i + 1) * SEALED_CHUNK_SIZE),
    );
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: chunkNonce(keys.baseNonce, i), tagLength: 128 },
        key,
        ownedCopy(sealed),
      );
      out.push(new Uint8Array(plain));
    } catch {
      throw new DecryptionError();
    }
  }
  return concatBytes(...out);
}
