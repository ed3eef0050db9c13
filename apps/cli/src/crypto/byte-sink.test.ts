import { randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tooling/test-temp.ts';
import { createByteSink, groups } from './byte-sink.ts';

describe('groups', () => {
  it('cuts pieces into groups of at most max bytes, in order, cutting large pieces', () => {
    const a = new Uint8Array([1, 2, 3]);
    const b = new Uint8Array([4, 5, 6, 7, 8, 9, 10]);
    const c = new Uint8Array([11]);
    const out = [...groups([a, b, c], 4)].map((g) => g.flatMap((p) => [...p]));
    expect(out).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11],
    ]);
  });

  it('yields nothing for no bytes', () => {
    expect([...groups([], 4)]).toEqual([]);
  });
});

describe('createByteSink (file)', () => {
  it('writes every byte in order across batches and write groups', async () => {
    const dir = await tempDir('coffer-sink-');
    const path = join(dir, 'out.bin');
    const data = randomBytes(6 * (1 << 20) + 999);
    const fh = await open(path, 'wx', 0o600);
    try {
      const sink = createByteSink(fh);
      // Pieces of several sizes, some larger than one write group (512 KiB).
      const sizes = [16_384, 16, 700_000, 1, 3_000];
      for (let at = 0, i = 0; at < data.length; i++) {
        const n = Math.min(sizes[i % sizes.length]!, data.length - at);
        const waiting = sink.push(data.subarray(at, at + n));
        if (waiting) await waiting;
        at += n;
      }
      await sink.end();
      expect(sink.bytes).toBe(data.length);
    } finally {
      await fh.close();
    }
    expect(Buffer.compare(await readFile(path), data)).toBe(0);
  });
});
