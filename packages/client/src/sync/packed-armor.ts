/**
 * Decode a page's armored envelopes into ONE buffer (Node): a worker hands
 * the page back as a single transferable buffer, and 1 000 small buffers per
 * page (each tracked by the garbage collector as external memory) are never
 * made. As strict as `decodeEnvelopeArmor`: the text is re-encoded from the
 * bytes and must come out identical (canonical, no stray characters); what
 * this fast path cannot take goes through the portable decoder.
 */
import { decodeEnvelopeArmor } from '../util/armor.ts';

const PREFIX = 'cfr1.';

type NodeBytes = Uint8Array & {
  write(text: string, offset: number, length: number, encoding: 'base64url'): number;
  toString(encoding: 'base64url', start: number, end: number): string;
};
interface NodeBuffer {
  allocUnsafeSlow(size: number): NodeBytes;
}
const NativeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;

/** Envelopes of a page in one buffer; `offsets[i]` is -1 when armor i is not valid. */
export interface PackedEnvelopes {
  packed: Uint8Array;
  /** Start of each envelope, then the end of the last one (length + 1 entries). */
  offsets: Int32Array;
}

/** The envelope `i` of a packed page (undefined: its armor did not decode). */
export function packedEnvelope(page: PackedEnvelopes, i: number): Uint8Array | undefined {
  const start = page.offsets[i]!;
  if (start < 0) return undefined;
  for (let j = i + 1; j < page.offsets.length; j++) {
    const end = page.offsets[j]!;
    if (end >= 0) return page.packed.subarray(start, end);
  }
  return undefined;
}

const bodyBytes = (text: string) => Math.floor(((text.length - PREFIX.length) * 3) / 4);

/**
 * Decode every armor of a page into one buffer; envelopes that arrived as
 * bytes (a binary pull page) are copied in as they are.
 *
 * @example
 * const page = decodePackedArmor(changes.map((c) => c.envelope));
 * const first = packedEnvelope(page, 0);
 */
export function decodePackedArmor(envelopes: ReadonlyArray<string | Uint8Array>): PackedEnvelopes {
  let size = 0;
  for (const e of envelopes) size += typeof e === 'string' ? Math.max(0, bodyBytes(e)) : e.length;
  const native = NativeBuffer?.allocUnsafeSlow(size);
  // Plain Uint8Array views for callers (stores compare and clone them as such).
  const packed = native ? new Uint8Array(native.buffer, 0, size) : new Uint8Array(size);
  const offsets = new Int32Array(envelopes.length + 1);
  let at = 0;
  envelopes.forEach((envelope, i) => {
    if (typeof envelope !== 'string') {
      packed.set(envelope, at);
      offsets[i] = at;
      at += envelope.length;
      return;
    }
    const text = envelope;
    const length = bodyBytes(text);
    let ok = false;
    if (native && text.startsWith(PREFIX) && length > 0 && (text.length - 5) % 4 !== 1) {
      const body = text.slice(PREFIX.length);
      ok =
        native.write(body, at, length, 'base64url') === length &&
        native.toString('base64url', at, at + length) === body;
    }
    if (!ok) {
      try {
        const bytes = decodeEnvelopeArmor(text);
        if (bytes.length > size - at) throw new RangeError('armor longer than announced');
        packed.set(bytes, at);
        ok = true;
        offsets[i] = at;
        at += bytes.length;
        return;
      } catch {
        offsets[i] = -1;
        return;
      }
    }
    offsets[i] = at;
    at += length;
  });
  offsets[envelopes.length] = at;
  return { packed: packed.subarray(0, at), offsets };
}
