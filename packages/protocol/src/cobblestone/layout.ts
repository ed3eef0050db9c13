import { EnvelopeFormatError } from '../errors.ts';
import { CHUNK_SIZE, PREFIX_SIZE, SEALED_CHUNK_SIZE, TAG_SIZE } from './constants.ts';

/**
 * Plaintext length of a Cobblestone-256 ciphertext of `ciphertextLength` bytes,
 * or undefined when no valid ciphertext has that length (only the final chunk
 * may be short, and it must hold at least its tag).
 */
export function plaintextLengthOf(ciphertextLength: number): number | undefined {
  if (!Number.isSafeInteger(ciphertextLength) || ciphertextLength < PREFIX_SIZE + TAG_SIZE) {
    return undefined;
  }
  const body = ciphertextLength - PREFIX_SIZE;
  const fullChunks = Math.floor(body / SEALED_CHUNK_SIZE);
  const finalSealed = body - fullChunks * SEALED_CHUNK_SIZE;
  // 0 bytes left means the mandatory short final chunk is missing.
  if (finalSealed < TAG_SIZE) return undefined;
  return fullChunks * CHUNK_SIZE + finalSealed - TAG_SIZE;
}

/**
 * The plaintext length of a Cobblestone-256 ciphertext, from its length alone.
 * Lengths are public; this authenticates nothing. Throws
 * {@link EnvelopeFormatError} (`bad_length`) when no valid ciphertext can have
 * this length (e.g. cut inside the header, a tag, or at a full-chunk boundary).
 *
 * @example
 * cobblestonePlaintextLength(56 + 16); // 0: an empty message
 * cobblestonePlaintextLength(56 + 16_400); // throws: the short final chunk is missing
 */
export function cobblestonePlaintextLength(ciphertextLength: number): number {
  const length = plaintextLengthOf(ciphertextLength);
  if (length === undefined) {
    throw new EnvelopeFormatError('bad_length', 'not a valid Cobblestone-256 ciphertext length');
  }
  return length;
}

/**
 * The ciphertext length of a `plaintextLength`-byte message: salt, commitment,
 * and a 16-byte tag per chunk (there are floor(plaintextLength / 16 KiB) + 1 chunks).
 *
 * @example
 * cobblestoneCiphertextLength(16_384); // 56 + 16_400 + 16
 */
export function cobblestoneCiphertextLength(plaintextLength: number): number {
  if (!Number.isSafeInteger(plaintextLength) || plaintextLength < 0) {
    throw new RangeError('plaintext length must be a non-negative safe integer');
  }
  return PREFIX_SIZE + plaintextLength + (Math.floor(plaintextLength / CHUNK_SIZE) + 1) * TAG_SIZE;
}
