/**
 * Offline file envelopes (`coffer encrypt` / `coffer decrypt`): content type
 * `blob`, WRAPPED to a passphrase or to users' X25519 keys, and this fixed
 * appContext, so a file envelope can never be mistaken for (or replayed as) a
 * vault blob, whose context names a vault and a blob id.
 */
import {
  EnvelopeFormatError,
  type EnvelopeHeader,
  parseHeaderPrefix,
  utf8,
} from '@coffer/protocol';
import { type ByteSource, prependSource } from './byte-source.ts';

/** `"coffer/v1/file" ‖ 0x00`. */
export const FILE_APP_CONTEXT: Uint8Array = new Uint8Array([...utf8('coffer/v1/file'), 0]);

/** Largest header the format allows; we never buffer more than this to find it. */
const MAX_HEADER = 16 * 1024;

/**
 * Read just enough of `source` to parse the envelope header, and return the
 * header plus a source that replays every byte (header included) from the start.
 */
export async function peekHeader(
  source: ByteSource,
): Promise<{ header: EnvelopeHeader; source: ByteSource }> {
  let seen: Uint8Array = new Uint8Array(0);
  for (;;) {
    const piece = await source.next();
    // Usually the first piece holds the whole header and is replayed as is (no copy).
    const buffered = piece === undefined ? seen : seen.length === 0 ? piece : concat(seen, piece);
    try {
      const header = parseHeaderPrefix(buffered.subarray(0, Math.min(buffered.length, MAX_HEADER)));
      return { header, source: prependSource(buffered, source) };
    } catch (e) {
      const waiting = e instanceof EnvelopeFormatError && e.code === 'truncated';
      if (!waiting || buffered.length >= MAX_HEADER) throw e;
      if (piece === undefined)
        throw new EnvelopeFormatError('truncated', 'input ends inside the envelope header');
    }
    // The next read may overwrite `piece`: keep an owned copy of what was seen.
    seen = buffered === piece && source.reusesBuffers ? piece.slice() : buffered;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
