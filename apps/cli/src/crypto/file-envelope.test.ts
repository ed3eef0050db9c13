import { EnvelopeFormatError, sealEnvelope, utf8 } from '@coffer/protocol';
import { describe, expect, it } from 'vitest';
import type { ByteSource } from './byte-source.ts';
import { FILE_APP_CONTEXT, peekHeader } from './file-envelope.ts';

/** Serves `bytes` in `size`-byte pieces through ONE reused buffer, like the file source. */
function reusingSource(bytes: Uint8Array, size: number): ByteSource {
  const buffer = new Uint8Array(size);
  let offset = 0;
  return {
    size: bytes.length,
    reusesBuffers: true,
    async next() {
      if (offset >= bytes.length) return undefined;
      const n = Math.min(size, bytes.length - offset);
      buffer.fill(0xee);
      buffer.set(bytes.subarray(offset, offset + n));
      offset += n;
      return buffer.subarray(0, n);
    },
    async close() {},
  };
}

async function readAll(source: ByteSource): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let p = await source.next(); p !== undefined; p = await source.next()) parts.push(p.slice());
  return new Uint8Array(Buffer.concat(parts));
}

const key = { kid: new Uint8Array(16).fill(3), epoch: 0, key: new Uint8Array(32).fill(9) };

describe('peekHeader', () => {
  it('parses a header split over many small reused pieces and replays every byte', async () => {
    const envelope = await sealEnvelope(utf8('x'.repeat(40_000)), {
      contentType: 'blob',
      context: FILE_APP_CONTEXT,
      key,
    });
    for (const size of [1, 7, 64, 1 << 20]) {
      const { header, source } = await peekHeader(reusingSource(envelope, size));
      expect(header.contentType).toBe('blob');
      expect(header.mode).toBe('direct');
      expect(Buffer.compare(await readAll(source), envelope)).toBe(0);
    }
  });

  it('refuses input that ends inside the header, and bytes that are not an envelope', async () => {
    const envelope = await sealEnvelope(utf8('hi'), {
      contentType: 'blob',
      context: FILE_APP_CONTEXT,
      key,
    });
    await expect(peekHeader(reusingSource(envelope.subarray(0, 20), 5))).rejects.toMatchObject({
      code: 'truncated',
    });
    await expect(peekHeader(reusingSource(utf8('not an envelope at all'), 4))).rejects.toThrow(
      EnvelopeFormatError,
    );
  });
});
