import { CHUNK_SIZE, PREFIX_SIZE, SEALED_CHUNK_SIZE, TAG_SIZE } from '../cobblestone/constants.ts';

/**
 * The plaintext length and chunk count a Cobblestone-256 body of `bodyLength`
 * bytes implies, or undefined when no valid chunk sequence has that length
 * (the final chunk must carry a tag and fewer than 16 KiB of plaintext).
 */
export function bodyPlaintextLength(
  bodyLength: number,
): { plaintextLength: number; chunkCount: number } | undefined {
  const sealed = bodyLength - PREFIX_SIZE;
  if (sealed < TAG_SIZE) return undefined;
  const fullChunks = Math.floor(sealed / SEALED_CHUNK_SIZE);
  const last = sealed - fullChunks * SEALED_CHUNK_SIZE;
  if (last < TAG_SIZE) return undefined;
  return { plaintextLength: fullChunks * CHUNK_SIZE + last - TAG_SIZE, chunkCount: fullChunks + 1 };
}

/** Body length of a Cobblestone-256 ciphertext of `plaintextLength` bytes. */
export function bodyLengthFor(plaintextLength: number): number {
  const fullChunks = Math.floor(plaintextLength / CHUNK_SIZE);
  return PREFIX_SIZE + plaintextLength + (fullChunks + 1) * TAG_SIZE;
}
