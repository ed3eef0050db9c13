/**
 * Byte layout of a DIRECT `blob` envelope (SPEC 2, 3): what the server must
 * be told before the first chunk, and where each Cobblestone chunk starts.
 */

/** Cobblestone-256 plaintext chunk, tag and body prefix (salt ‖ commitment) sizes. */
export const CHUNK = 16_384;
export const TAG = 16;
export const PREFIX = 56;
/** A DIRECT envelope's header has no stanzas: 30 bytes (SPEC 3.1). */
export const DIRECT_HEADER = 30;

/**
 * Size of the unsigned DIRECT `blob` envelope of `plaintextSize` bytes (the
 * server wants the total before the first chunk).
 *
 * @example
 * blobEnvelopeSize(0) // 102
 */
export function blobEnvelopeSize(plaintextSize: number): number {
  return DIRECT_HEADER + PREFIX + plaintextSize + (Math.floor(plaintextSize / CHUNK) + 1) * TAG;
}
