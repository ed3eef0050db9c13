import {
  type CobblestoneSource,
  createCobblestoneRangeReader,
} from '../cobblestone/range-reader.ts';
import { EnvelopeFormatError } from '../errors.ts';
import { bodyPlaintextLength } from './body-size.ts';
import { FOOTER_SIZE, MAX_HEADER_SIZE, MIN_BODY_SIZE } from './constants.ts';
import { bodyContext } from './contexts.ts';
import { parseHeaderPrefix } from './header-parse.ts';
import type { EnvelopeHeader } from './header-types.ts';
import { checkExpectations, obtainInputKey } from './input-key.ts';
import type { OpenEnvelopeOptions } from './options.ts';

/** Random access to the plaintext of one envelope; see {@link createEnvelopeRangeReader}. */
export interface EnvelopeRangeReader {
  readonly header: EnvelopeHeader;
  /** Plaintext length implied by the source size (authenticated by {@link verifyLength}). */
  readonly plaintextLength: number;
  /** Plaintext bytes [start, start + length), decrypting only the chunks that hold them. */
  read(start: number, length: number): Promise<Uint8Array>;
  /** Decrypt the final chunk: authenticates `plaintextLength` (no truncation at a chunk boundary). */
  verifyLength(): Promise<void>;
}

/**
 * Random-access reads of a DIRECT or WRAPPED envelope (typically a blob) held
 * by `source` (an HTTP Range reader, a file): the header is read and checked,
 * the key obtained and the commitment verified once; each `read` then fetches
 * and decrypts only the 16 KiB chunks it needs. Every chunk returned is
 * authenticated; the total length is authenticated only by a read reaching the
 * end or by `verifyLength()`. A SIGNED envelope's footer is NOT verified by
 * range reads, so `requireSignature` is refused (`bad_argument`): stream or
 * open the whole envelope to check a signature.
 *
 * @example
 * const reader = await createEnvelopeRangeReader(
 *   { size, read: (offset, length) => fetchRange(url, offset, length) },
 *   { context: blobAppContext(vaultId, blobId), keys, contentType: 'blob' },
 * );
 * const page = await reader.read(1 << 20, 65_536);
 */
export async function createEnvelopeRangeReader(
  source: CobblestoneSource,
  options: OpenEnvelopeOptions,
): Promise<EnvelopeRangeReader> {
  if (options.requireSignature) {
    throw new EnvelopeFormatError('bad_argument', 'range reads cannot verify a signature');
  }
  const prefix = await source.read(0, Math.min(source.size, MAX_HEADER_SIZE));
  const header = parseHeaderPrefix(prefix.slice(), options.accept);
  checkExpectations(header, options);
  const footer = header.signed ? FOOTER_SIZE : 0;
  const bodySize = source.size - header.headerLength - footer;
  if (bodySize < MIN_BODY_SIZE)
    throw new EnvelopeFormatError('truncated', 'envelope body is too short');
  if (!bodyPlaintextLength(bodySize)) {
    throw new EnvelopeFormatError('bad_length', 'body length is not a valid chunk sequence');
  }
  const { inputKey } = await obtainInputKey(header, options);
  const body = await createCobblestoneRangeReader(
    inputKey,
    bodyContext(header.headerBytes, options.context),
    {
      size: bodySize,
      read: (offset, length) => source.read(header.headerLength + offset, length),
    },
  );
  return {
    header,
    plaintextLength: body.plaintextLength,
    read: (start, length) => body.read(start, length),
    verifyLength: () => body.verifyLength(),
  };
}
