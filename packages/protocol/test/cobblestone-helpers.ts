// Helpers shared by the Cobblestone suites (Node and Chromium).
import type { CobblestoneSource } from '../src/cobblestone/range-reader.ts';

/** Split bytes into pieces of `size` (the last may be shorter). */
export function pieces(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

export function concat(parts: ReadonlyArray<Uint8Array>): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Byte equality that stays fast on multi-MiB buffers (no hex strings). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface PumpResult {
  output: Uint8Array;
  /** The error the stream failed with, if it did. */
  error: unknown;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  reader: ReadableStreamDefaultReader<Uint8Array>;
}

/** Write `input` piece by piece into a transform while reading everything it emits. */
export async function pump(
  stream: TransformStream<Uint8Array, Uint8Array>,
  input: Iterable<Uint8Array>,
): Promise<PumpResult> {
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  const emitted: Uint8Array[] = [];
  const reading = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      emitted.push(value);
    }
  })();
  const writing = (async () => {
    for (const piece of input) await writer.write(piece);
    await writer.close();
  })();
  const [read, written] = await Promise.allSettled([reading, writing]);
  const failure = [read, written].find((r) => r.status === 'rejected');
  return {
    output: concat(emitted),
    error: failure?.status === 'rejected' ? failure.reason : undefined,
    writer,
    reader,
  };
}

/** A random-access source over bytes in memory that counts what was read. */
export function memorySource(bytes: Uint8Array): CobblestoneSource & { bytesRead: number } {
  return {
    size: bytes.length,
    bytesRead: 0,
    async read(offset, length) {
      this.bytesRead += length;
      return bytes.slice(offset, offset + length);
    },
  };
}

/** Deterministic filler bytes (content does not matter to the cipher). */
export function patternBytes(length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 131 + seed * 17 + (i >>> 8)) & 0xff;
  return out;
}
