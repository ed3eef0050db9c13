/**
 * Envelope armor decoding on the pull path. Node's native base64url is an
 * order of magnitude faster than the portable decoder; it is lenient, so the
 * result is re-encoded to prove the text was canonical, and anything else
 * goes through the protocol's strict decoder (which names the problem).
 */
import { decodeArmor } from '@coffer/protocol';

const PREFIX = 'cfr1.';

type NodeBytes = Uint8Array & {
  toString(e: 'base64url'): string;
  write(text: string, encoding: 'base64url'): number;
};
interface NodeBuffer {
  allocUnsafeSlow(size: number): NodeBytes;
}
const NativeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;

/**
 * Bytes of an armored envelope (`cfr1.` ‖ unpadded base64url), strictly.
 *
 * @example
 * const envelope = decodeEnvelopeArmor(change.envelope);
 */
export function decodeEnvelopeArmor(text: string): Uint8Array {
  if (NativeBuffer && text.startsWith(PREFIX)) {
    const body = text.slice(PREFIX.length);
    // Exactly sized and unpooled: a pooled Buffer would be a view of a shared
    // slab that a store's copy (structured clone) would then copy whole.
    const length = Math.floor((body.length * 3) / 4);
    if (body.length % 4 !== 1 && length > 0) {
      const bytes = NativeBuffer.allocUnsafeSlow(length);
      if (bytes.write(body, 'base64url') === length && bytes.toString('base64url') === body) {
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      }
    }
  }
  return decodeArmor(text);
}
