import { constantTimeEqual } from '../bytes.ts';
import { DecryptionError } from '../errors.ts';
import { randomBytes } from '../primitives/random.ts';
import { cobblestoneBackend } from './backend.ts';
import { ChunkPipeline } from './chunk-pipeline.ts';
import {
  CHUNK_SIZE,
  COMMITMENT_SIZE,
  KEY_SIZE,
  PREFIX_SIZE,
  SALT_SIZE,
  SEALED_CHUNK_SIZE,
} from './constants.ts';
import { deriveMessageKeys } from './derive.ts';
import { cobblestoneCiphertextLength, plaintextLengthOf } from './layout.ts';

/** Options for {@link cobblestoneSeal} and the seal stream. */
export interface CobblestoneSealOptions {
  /** Inject the salt (tests and vectors only); random otherwise. */
  salt?: Uint8Array;
}

/**
 * Encrypt a whole message with Cobblestone-256 (c2sp.org/chunked-encryption,
 * HKDF-SHA-512 + AES-256-GCM, 16 KiB chunks).
 * Output: salt(24) ‖ commitment(32) ‖ chunks; the last chunk is always shorter
 * than 16 KiB (possibly empty). Throws RangeError for a key that is not 32 bytes.
 *
 * @example
 * const ct = await cobblestoneSeal(key, utf8('my/context'), plaintext);
 */
export async function cobblestoneSeal(
  inputKey: Uint8Array,
  context: Uint8Array,
  plaintext: Uint8Array,
  options: CobblestoneSealOptions = {},
): Promise<Uint8Array> {
  if (inputKey.length !== KEY_SIZE) {
    throw new RangeError('Cobblestone-256 input key must be 32 bytes');
  }
  const salt = options.salt ?? randomBytes(SALT_SIZE);
  const backend = cobblestoneBackend();
  const keys = await deriveMessageKeys(inputKey, salt, context, backend);
  const aead = await backend.chunkAead(keys.aeadKey, keys.baseNonce);
  const out = new Uint8Array(cobblestoneCiphertextLength(plaintext.length));
  out.set(salt);
  out.set(keys.commitment, SALT_SIZE);
  let offset = PREFIX_SIZE;
  const pipeline = new ChunkPipeline(backend.concurrency, (sealed) => {
    out.set(sealed, offset);
    offset += sealed.length;
  });
  const chunkCount = Math.floor(plaintext.length / CHUNK_SIZE) + 1;
  for (let i = 0; i < chunkCount; i++) {
    const end = Math.min(plaintext.length, (i + 1) * CHUNK_SIZE);
    await pipeline.add(aead.seal(i, plaintext.subarray(i * CHUNK_SIZE, end)));
  }
  await pipeline.drain();
  return out;
}

/**
 * Decrypt and authenticate a whole Cobblestone-256 message. The commitment is
 * checked (constant time) before any chunk is decrypted. Any tampering,
 * truncation, extension, trailing data, wrong key or wrong context throws
 * {@link DecryptionError}; no plaintext is returned unless every chunk verifies.
 *
 * @example
 * const plaintext = await cobblestoneOpen(key, utf8('my/context'), ct);
 */
export async function cobblestoneOpen(
  inputKey: Uint8Array,
  context: Uint8Array,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  const plaintextLength = plaintextLengthOf(ciphertext.length);
  // A wrong-sized key is just another key that cannot authenticate this message.
  if (inputKey.length !== KEY_SIZE || plaintextLength === undefined) throw new DecryptionError();
  const backend = cobblestoneBackend();
  const keys = await deriveMessageKeys(
    inputKey,
    ciphertext.subarray(0, SALT_SIZE),
    context,
    backend,
  );
  const commitment = ciphertext.subarray(SALT_SIZE, SALT_SIZE + COMMITMENT_SIZE);
  if (!constantTimeEqual(keys.commitment, commitment)) throw new DecryptionError();
  const aead = await backend.chunkAead(keys.aeadKey, keys.baseNonce);
  const out = new Uint8Array(plaintextLength);
  let offset = 0;
  const pipeline = new ChunkPipeline(backend.concurrency, (plain) => {
    out.set(plain, offset);
    offset += plain.length;
  });
  const body = ciphertext.subarray(PREFIX_SIZE);
  const chunkCount = Math.floor(plaintextLength / CHUNK_SIZE) + 1;
  try {
    for (let i = 0; i < chunkCount; i++) {
      const end = Math.min(body.length, (i + 1) * SEALED_CHUNK_SIZE);
      await pipeline.add(aead.open(i, body.subarray(i * SEALED_CHUNK_SIZE, end)));
    }
    await pipeline.drain();
  } catch (error) {
    out.fill(0);
    throw error;
  }
  return out;
}
