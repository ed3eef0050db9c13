import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tooling/test-temp.ts';
import type { ByteSource } from './byte-source.ts';
import { pipeToTarget } from './file-io.ts';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('coffer-file-io-');
});

/** `data` in 1 MiB pieces from one reused buffer, with its size known (as a file source). */
function memorySource(data: Uint8Array): ByteSource {
  const reused = new Uint8Array(1 << 20);
  let at = 0;
  return {
    size: data.length,
    reusesBuffers: true,
    async next() {
      if (at >= data.length) return undefined;
      const n = Math.min(reused.length, data.length - at);
      reused.set(data.subarray(at, at + n));
      at += n;
      return reused.subarray(0, n);
    },
    async close() {},
  };
}

/** Copies its input in 16 KiB pieces (fresh bytes, as the cipher emits) and fails past `failAfter`. */
function copyingTransform(
  failAfter = Number.POSITIVE_INFINITY,
): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(piece, controller) {
      for (let i = 0; i < piece.length; i += 16_384) {
        controller.enqueue(piece.slice(i, i + 16_384));
      }
      seen += piece.length;
      if (seen > failAfter) throw new Error('tampered');
    },
  });
}

describe('pipeToTarget, large inputs (buffered file sink, writes queued ahead)', () => {
  it('writes every byte in order into the target', async () => {
    // Several 4 MiB batches plus a tail: more than the writes kept in flight.
    const data = randomBytes(21 * (1 << 20) + 4_321);
    const target = join(dir, 'ok.bin');
    const report = await pipeToTarget(memorySource(data), copyingTransform(), target, {
      force: false,
    });
    expect(report).toEqual({ bytesIn: data.length, bytesOut: data.length });
    expect(Buffer.compare(await readFile(target), data)).toBe(0);
  });

  it('a failure after several batches were written leaves no target and no temp file', async () => {
    const sub = await mkdtemp(join(dir, 'fail-'));
    const data = randomBytes(20 << 20);
    const target = join(sub, 'out.bin');
    await expect(
      pipeToTarget(memorySource(data), copyingTransform(17 << 20), target, { force: false }),
    ).rejects.toThrow('tampered');
    expect(await readdir(sub)).toEqual([]);
  });
});
