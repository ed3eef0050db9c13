/**
 * The sealed byte stream of a blob, reproducible from (header, salt): the
 * envelope is `header ‖ Cobblestone-256(salt)` exactly as the protocol's
 * envelope stream writes it, but with the salt chosen (and remembered) here,
 * so that an upload interrupted by a restart can seal the same plaintext to
 * the same bytes again and continue where the server stopped. AES-GCM under
 * one (key, nonce) is then only ever used for the same plaintext chunk, which
 * the resume check enforces before a new byte is sent.
 */
import {
  blobAppContext,
  createCobblestoneSealStream,
  fromHex,
  parseHeaderPrefix,
  randomBytes,
  type SymmetricKey,
  sealEnvelope,
  utf8,
} from '@coffer/protocol';

/** What fixes a blob's ciphertext besides its plaintext (public: both are in the envelope). */
export interface BlobSealing {
  header: Uint8Array;
  salt: Uint8Array;
}

/**
 * A fresh salt and the DIRECT header for `key`. The header is taken from the
 * protocol's own writer (an empty envelope; a DIRECT header does not depend
 * on the content), so its encoding lives in one place only.
 */
export async function newBlobSealing(
  vaultIdBytes: Uint8Array,
  blobId: string,
  key: SymmetricKey,
): Promise<BlobSealing> {
  const context = blobAppContext(vaultIdBytes, fromHex(blobId));
  const probe = await sealEnvelope(new Uint8Array(0), { contentType: 'blob', key, context });
  const { headerLength } = parseHeaderPrefix(probe);
  return { header: probe.slice(0, headerLength), salt: randomBytes(24) };
}

const BODY_LABEL = utf8('coffer/v1/body');

/**
 * The body's Cobblestone context (SPEC 3.3):
 * `"coffer/v1/body" ‖ 0x00 ‖ u32(len(header)) ‖ header ‖ u32(len(appContext)) ‖ appContext`.
 */
function bodyContext(header: Uint8Array, appContext: Uint8Array): Uint8Array {
  const out = new Uint8Array(BODY_LABEL.length + 1 + 4 + header.length + 4 + appContext.length);
  const view = new DataView(out.buffer);
  out.set(BODY_LABEL);
  let at = BODY_LABEL.length + 1;
  view.setUint32(at, header.length);
  out.set(header, at + 4);
  at += 4 + header.length;
  view.setUint32(at, appContext.length);
  out.set(appContext, at + 4);
  return out;
}

/**
 * The envelope bytes of `source` under `sealing`: the header, then the body.
 * The same inputs always give the same bytes.
 *
 * @example
 * const sealed = sealBlobStream(file.stream(), sealing, ring.current, ring.vaultIdBytes, blobId);
 */
export function sealBlobStream(
  source: ReadableStream<Uint8Array>,
  sealing: BlobSealing,
  key: SymmetricKey,
  vaultIdBytes: Uint8Array,
  blobId: string,
): ReadableStream<Uint8Array> {
  const context = bodyContext(sealing.header, blobAppContext(vaultIdBytes, fromHex(blobId)));
  const body = source.pipeThrough(
    createCobblestoneSealStream(key.key, context, { salt: sealing.salt }),
  );
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(sealing.header);
    },
    async pull(controller) {
      reader ??= body.getReader();
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(reason) {
      await (reader ?? body).cancel(reason);
    },
  });
}
