import { concatBytes } from '../bytes.ts';
import { type ChunkOpener, createChunkOpener } from '../cobblestone/chunk-opener.ts';
import { EnvelopeFormatError } from '../errors.ts';
import { FOOTER_SIZE, MAX_HEADER_SIZE } from './constants.ts';
import { bodyContext } from './contexts.ts';
import { parseHeaderPrefix } from './header-parse.ts';
import type { EnvelopeHeader } from './header-types.ts';
import { createIncrementalSha512, type IncrementalSha512 } from './incremental-sha512.ts';
import { checkExpectations, obtainInputKey } from './input-key.ts';
import type { OpenEnvelopeOptions } from './options.ts';
import { selectTrustedSigner, verifyFooter } from './signature.ts';

/** Facts about a streamed envelope, known once the stream has been read to the end. */
export interface OpenedEnvelopeStreamResult {
  header: EnvelopeHeader;
  /** DIRECT: the key's kid. WRAPPED: the unwrapping stanza's kid. */
  kid: Uint8Array | undefined;
  /** Set only when the footer verified against a trusted signer. */
  signerKid?: Uint8Array;
}

/** A TransformStream (envelope bytes in, plaintext out) plus its outcome. */
export interface OpenEnvelopeStream extends ReadableWritablePair<Uint8Array, Uint8Array> {
  /** Resolves once the whole envelope verified; rejects with the stream's error. */
  readonly result: Promise<OpenedEnvelopeStreamResult>;
}

/**
 * Open an envelope as a stream. The header is parsed (with the same limits as
 * {@link openEnvelope}) as soon as it has arrived, then the body is decrypted
 * chunk by chunk: only authenticated chunks are released, the final chunk only
 * at the end of input, and after any error the stream stays errored.
 *
 * SIGNED envelopes: the footer (the last 80 bytes) can only be checked at the
 * end, so released chunks are authentic under the key but NOT yet attributed
 * to the signer. The plaintext is final only when the stream closes without
 * error (and `result` resolves with `signerKid`); a bad or untrusted signature
 * errors the stream at its end. Consumers must discard the output on error.
 *
 * @example
 * const opener = createOpenEnvelopeStream({ context, keys, contentType: 'blob' });
 * await response.body!.pipeThrough(opener).pipeTo(fileSink);
 * const { header } = await opener.result;
 */
export function createOpenEnvelopeStream(options: OpenEnvelopeOptions): OpenEnvelopeStream {
  let headerBuffer: Uint8Array = new Uint8Array(0);
  let header: EnvelopeHeader | undefined;
  let kid: Uint8Array | undefined;
  // The body is opened right here (no inner stream to pipe through).
  let opener: ChunkOpener;
  let hash: IncrementalSha512 | undefined;
  // SIGNED: the last 80 bytes seen so far might be the footer; held back from the body.
  let tail = new Uint8Array(0);
  let settle: { resolve: (r: OpenedEnvelopeStreamResult) => void; reject: (e: unknown) => void };
  const result = new Promise<OpenedEnvelopeStreamResult>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // The caller may never look at `result`; its rejection must not go unhandled.
  result.catch(() => {});

  async function begin(parsed: EnvelopeHeader, emit: (bytes: Uint8Array) => void): Promise<void> {
    checkExpectations(parsed, options);
    // Fail early on `not_signed`; which signer is trusted is only known at the end.
    if (!parsed.signed) selectTrustedSigner(parsed, undefined, options);
    const obtained = await obtainInputKey(parsed, options);
    kid = obtained.kid;
    if (parsed.signed && (options.trustedSigners || options.requireSignature)) {
      hash = await createIncrementalSha512();
      hash.update(parsed.headerBytes);
    }
    opener = createChunkOpener(
      obtained.inputKey,
      bodyContext(parsed.headerBytes, options.context),
      emit,
    );
  }

  function writeBody(bytes: Uint8Array): void | Promise<void> {
    if (bytes.length === 0) return;
    hash?.update(bytes);
    return opener.push(bytes);
  }

  // Synchronous on node:crypto (no promise per piece), promises on WebCrypto.
  function consumeBody(piece: Uint8Array): void | Promise<void> {
    if (!header?.signed) return writeBody(piece);
    if (piece.length >= FOOTER_SIZE) {
      const held = tail;
      tail = piece.slice(piece.length - FOOTER_SIZE);
      return then(writeBody(held), () => writeBody(piece.subarray(0, piece.length - FOOTER_SIZE)));
    }
    const joined = concatBytes(tail, piece);
    const release = Math.max(0, joined.length - FOOTER_SIZE);
    tail = joined.slice(release);
    return writeBody(joined.subarray(0, release));
  }

  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform: (piece, controller) => reported(() => transform(piece, controller)),
    flush: () => reported(flush),
  });

  // Every failure also rejects `result`, then errors the stream (which stays errored).
  function reported(step: () => void | Promise<void>): void | Promise<void> {
    const fail = (error: unknown): never => {
      settle.reject(error);
      throw error;
    };
    let outcome: void | Promise<void>;
    try {
      outcome = step();
    } catch (error) {
      return fail(error);
    }
    return outcome instanceof Promise ? outcome.catch(fail) : undefined;
  }

  function transform(
    piece: Uint8Array,
    controller: TransformStreamDefaultController<Uint8Array>,
  ): void | Promise<void> {
    if (header) return consumeBody(piece);
    return readHeader(piece, controller);
  }

  async function readHeader(
    piece: Uint8Array,
    controller: TransformStreamDefaultController<Uint8Array>,
  ): Promise<void> {
    headerBuffer = concatBytes(headerBuffer, piece);
    let parsed: EnvelopeHeader;
    try {
      parsed = parseHeaderPrefix(headerBuffer, options.accept);
    } catch (error) {
      // Wait for more bytes unless the header limit is already exceeded.
      const waiting =
        error instanceof EnvelopeFormatError &&
        error.code === 'truncated' &&
        headerBuffer.length < MAX_HEADER_SIZE;
      if (waiting) return;
      throw error;
    }
    // parsed views headerBuffer; re-parse a copy so the rest of the buffer can be released.
    header = parseHeaderPrefix(parsed.headerBytes.slice(), options.accept);
    await begin(header, (bytes) => controller.enqueue(bytes));
    const rest = headerBuffer.subarray(parsed.headerLength);
    headerBuffer = new Uint8Array(0);
    await consumeBody(rest);
  }

  async function flush(): Promise<void> {
    if (!header) {
      parseHeaderPrefix(headerBuffer, options.accept);
      throw new EnvelopeFormatError('truncated', 'envelope ends inside its header');
    }
    if (header.signed && tail.length < FOOTER_SIZE) {
      throw new EnvelopeFormatError('truncated', 'envelope ends before its footer');
    }
    const finishing = opener.finish();
    if (finishing) await finishing;
    const outcome: OpenedEnvelopeStreamResult = { header, kid };
    if (header.signed) {
      const trusted = selectTrustedSigner(header, tail.subarray(0, 16), options);
      if (trusted && hash) {
        await verifyFooter(trusted.publicKey, hash.digest(), tail);
        outcome.signerKid = trusted.kid.slice();
      }
    }
    settle.resolve(outcome);
  }

  return { readable: stream.readable, writable: stream.writable, result };
}

/** Run `next` after `first`, without a promise when `first` is not one. */
function then(first: void | Promise<void>, next: () => void | Promise<void>): void | Promise<void> {
  return first instanceof Promise ? first.then(next) : next();
}
