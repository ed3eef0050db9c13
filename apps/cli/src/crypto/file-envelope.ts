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

/** `"coffer/v1/file" ‖ 0x00`. */
export const FILE_APP_CONTEXT: Uint8Array = new Uint8Array([...utf8('coffer/v1/file'), 0]);

/** Largest header the format allows; we never buffer more than this to find it. */
const MAX_HEADER = 16 * 1024;

/**
 * Read just enough of `source` to parse the envelope header, and return the
 * header plus a stream that replays every byte (header included) from the start.
 */
export async function peekHeader(
  source: ReadableStream<Uint8Array>,
): Promise<{ header: EnvelopeHeader; stream: ReadableStream<Uint8Array> }> {
  const reader = source.getReader();
  const seen: Uint8Array[] = [];
  let total = 0;
  let header: EnvelopeHeader | undefined;
  while (header === undefined) {
    const { done, value } = await reader.read();
    if (!done) {
      seen.push(value);
      total += value.length;
    }
    const buffered = concat(seen, total);
    try {
      header = parseHeaderPrefix(buffered.subarray(0, Math.min(total, MAX_HEADER)));
    } catch (e) {
      const waiting = e instanceof EnvelopeFormatError && e.code === 'truncated';
      if (!waiting || done || total >= MAX_HEADER) {
        reader.releaseLock();
        throw e;
      }
    }
    if (done && header === undefined)
      throw new EnvelopeFormatError('truncated', 'input ends inside the envelope header');
  }
  const prefix = concat(seen, total);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(prefix);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { header, stream };
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  parts.splice(0, parts.length, out);
  return out;
}
