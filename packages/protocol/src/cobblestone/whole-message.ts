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
import { deriveMessageKeys, deriveMessageKeysSync } from './derive.ts';
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
  const out = new Uint8Array(cobblestoneCiphertextLength(plaintext.length));
  const pending = cobblestoneSealInto(inputKey, context, plaintext, salt, out, 0);
  if (pending) await pending;
  return out;
}

/**
 * Seal into `out` at `offset` (room for cobblestoneCiphertextLength bytes):
 * synchronous on node:crypto, a promise on WebCrypto. Lets the envelope write
 * header, body and footer into one buffer. The key length is the caller's check.
 */
export function cobblestoneSealInto(
  inputKey: Uint8Array,
  context: Uint8Array,
  plaintext: Uint8Array,
  salt: Uint8Array,
  out: Uint8Array,
  offset: number,
): undefined | Promise<void> {
  const backend = cobblestoneBackend();
  const chunkCount = Math.floor(plaintext.length / CHUNK_SIZE) + 1;
  const sync = backend.sync;
  if (sync) {
    const keys = deriveMessageKeysSync(inputKey, salt, context, sync);
    out.set(salt, offset);
    out.set(keys.commitment, offset + SALT_SIZE);
    const aead = sync.chunkAead(keys.aeadKey, keys.baseNonce);
    let at = offset + PREFIX_SIZE;
    for (let i = 0; i < chunkCount; i++) {
      const end = Math.min(plaintext.length, (i + 1) * CHUNK_SIZE);
      at = aead.sealInto(i, plaintext.subarray(i * CHUNK_SIZE, end), out, at);
    }
    return undefined;
  }
  return (async () => {
    const keys = await deriveMessageKeys(inputKey, salt, context, backend);
    const aead = await backend.chunkAead(keys.aeadKey, keys.baseNonce);
    out.set(salt, offset);
    out.set(keys.commitment, offset + SALT_SIZE);
    let at = offset + PREFIX_SIZE;
    const pipeline = new ChunkPipeline(backend.concurrency, (sealed) => {
      out.set(sealed, at);
      at += sealed.length;
    });
    for (let i = 0; i < chunkCount; i++) {
      const end = Math.min(plaintext.length, (i + 1) * CHUNK_SIZE);
      const room = pipeline.add(aead.seal(i, plaintext.subarray(i * CHUNK_SIZE, end)));
      if (room) await room;
    }
    await pipeline.drain();
  })();
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
  return openMessage(inputKey, context, ciphertext);
}

/**
 * {@link cobblestoneOpen} without the promise when the backend is synchronous
 * (node:crypto); it may then throw instead of rejecting.
 */
export function openMessage(
  inputKey: Uint8Array,
  context: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array | Promise<Uint8Array> {
  const plaintextLength = plaintextLengthOf(ciphertext.length);
  // A wrong-sized key is just another key that cannot authenticate this message.
  if (inputKey.length !== KEY_SIZE || plaintextLength === undefined) throw new DecryptionError();
  const backend = cobblestoneBackend();
  const salt = ciphertext.subarray(0, SALT_SIZE);
  const commitment = ciphertext.subarray(SALT_SIZE, SALT_SIZE + COMMITMENT_SIZE);
  const body = ciphertext.subarray(PREFIX_SIZE);
  const chunkCount = Math.floor(plaintextLength / CHUNK_SIZE) + 1;
  const sync = backend.sync;
  if (sync) {
    const keys = deriveMessageKeysSync(inputKey, salt, context, sync);
    if (!constantTimeEqual(keys.commitment, commitment)) throw new DecryptionError();
    const aead = sync.chunkAead(keys.aeadKey, keys.baseNonce);
    // One chunk (every record): its plaintext is already a fresh buffer of its own.
    if (chunkCount === 1) return ownBuffer(aead.open(0, body));
    const out = new Uint8Array(plaintextLength);
    try {
      for (let i = 0; i < chunkCount; i++) {
        const end = Math.min(body.length, (i + 1) * SEALED_CHUNK_SIZE);
        out.set(aead.open(i, body.subarray(i * SEALED_CHUNK_SIZE, end)), i * CHUNK_SIZE);
      }
    } catch (error) {
      out.fill(0);
      throw error;
    }
    return out;
  }
  return (async () => {
    const keys = await deriveMessageKeys(inputKey, salt, context, backend);
    if (!constantTimeEqual(keys.commitment, commitment)) throw new DecryptionError();
    const aead = await backend.chunkAead(keys.aeadKey, keys.baseNonce);
    const out = new Uint8Array(plaintextLength);
    let offset = 0;
    const pipeline = new ChunkPipeline(backend.concurrency, (plain) => {
      out.set(plain, offset);
      offset += plain.length;
    });
    try {
      for (let i = 0; i < chunkCount; i++) {
        const end = Math.min(body.length, (i + 1) * SEALED_CHUNK_SIZE);
        const room = pipeline.add(aead.open(i, body.subarray(i * SEALED_CHUNK_SIZE, end)));
        if (room) await room;
      }
      await pipeline.drain();
    } catch (error) {
      out.fill(0);
      throw error;
    }
    return out;
  })();
}

/** `bytes` itself when it spans its whole ArrayBuffer, else a copy that does. */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length) return bytes;
  return bytes.slice();
}
