import { type ChunkSealer, createChunkSealer } from '../cobblestone/chunk-sealer.ts';
import { bodyContext } from './contexts.ts';
import { createIncrementalSha512, type IncrementalSha512 } from './incremental-sha512.ts';
import type { SealEnvelopeOptions } from './options.ts';
import { prepareEnvelope } from './prepare.ts';
import { type RandomSource, systemRandom } from './random-source.ts';
import { signFooter } from './signature.ts';

/**
 * A WHATWG TransformStream that seals a plaintext stream into an envelope:
 * it emits the header, the Cobblestone-256 body chunk by chunk, and (with a
 * `signer`) the footer over SHA-512(header ‖ body), hashed incrementally.
 * The bytes equal {@link sealEnvelope} of the whole plaintext with the same
 * randomness. Memory stays O(chunk); writes wait for readers.
 *
 * @example
 * await file.stream()
 *   .pipeThrough(createSealEnvelopeStream({ contentType: 'blob', context: blobAppContext(vaultId, blobId), key }))
 *   .pipeTo(upload);
 */
export function createSealEnvelopeStream(
  options: SealEnvelopeOptions,
): TransformStream<Uint8Array, Uint8Array> {
  return createSealEnvelopeStreamWith(options, systemRandom);
}

/** {@link createSealEnvelopeStream} with an injected random source (tests only; not exported). */
export function createSealEnvelopeStreamWith(
  options: SealEnvelopeOptions,
  random: RandomSource,
): TransformStream<Uint8Array, Uint8Array> {
  let hash: IncrementalSha512 | undefined;
  let sealer: ChunkSealer;
  return new TransformStream<Uint8Array, Uint8Array>({
    async start(controller) {
      const prepared = prepareEnvelope(options, random);
      const { header, inputKey } = prepared instanceof Promise ? await prepared : prepared;
      if (options.signer) hash = await createIncrementalSha512();
      // Same draw order as sealEnvelopeWith (DEK, stanzas, then the body salt).
      const salt = random(24);
      // The body is sealed right here (no inner stream to pipe through).
      sealer = createChunkSealer(inputKey, bodyContext(header, options.context), salt, (bytes) => {
        hash?.update(bytes);
        controller.enqueue(bytes);
      });
      hash?.update(header);
      controller.enqueue(header);
      await sealer.start();
    },
    transform: (piece) => sealer.push(piece),
    async flush(controller) {
      const finishing = sealer.finish();
      if (finishing) await finishing;
      if (options.signer && hash) {
        controller.enqueue(await signFooter(options.signer, hash.digest()));
      }
    },
  });
}
