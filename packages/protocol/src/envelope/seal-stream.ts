import { createCobblestoneSealStream } from '../cobblestone/seal-stream.ts';
import { bodyContext } from './contexts.ts';
import { createIncrementalSha512, type IncrementalSha512 } from './incremental-sha512.ts';
import type { SealEnvelopeOptions } from './options.ts';
import { prepareEnvelope } from './prepare.ts';
import { type RandomSource, systemRandom } from './random-source.ts';
import { signFooter } from './signature.ts';
import { pump } from './stream-pump.ts';

/**
 * A WHATWG TransformStream that seals a plaintext stream into an envelope:
 * it emits the header, the Cobblestone-256 body chunk by chunk, and (with a
 * `signer`) the footer over SHA-512(header ‖ body), hashed incrementally.
 * The bytes equal {@link sealEnvelope} of the whole plaintext with the same
 * randomness. Memory is bounded by one input piece plus one chunk.
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
  let writer: WritableStreamDefaultWriter<Uint8Array>;
  let pumped: Promise<void>;
  let hash: IncrementalSha512 | undefined;
  return new TransformStream<Uint8Array, Uint8Array>({
    async start(controller) {
      const { header, inputKey } = await prepareEnvelope(options, random);
      if (options.signer) hash = await createIncrementalSha512();
      // Same draw order as sealEnvelopeWith (DEK, stanzas, then the body salt).
      const inner = createCobblestoneSealStream(inputKey, bodyContext(header, options.context), {
        salt: random(24),
      });
      writer = inner.writable.getWriter();
      hash?.update(header);
      controller.enqueue(header);
      pumped = pump(inner.readable, (bytes) => {
        hash?.update(bytes);
        controller.enqueue(bytes);
      });
      // Surface an inner failure even while no write is pending.
      pumped.catch((error: unknown) => controller.error(error));
    },
    async transform(piece) {
      await writer.write(piece);
    },
    async flush(controller) {
      await writer.close();
      await pumped;
      if (options.signer && hash) {
        controller.enqueue(await signFooter(options.signer, hash.digest()));
      }
    },
  });
}
