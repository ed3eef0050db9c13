import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tooling/test-temp.ts';
import { openFileTarget } from './buffered-file-sink.ts';

let dir: string;
beforeAll(async () => {
  dir = await tempDir('coffer-direct-');
});

/** Push `data` in pieces of the given sizes (cycled), as the cipher hands them out. */
async function writeThrough(path: string, data: Uint8Array, sizes: number[], direct: boolean) {
  const batches: number[] = [];
  // This machine's file systems (ext4, tmpfs on Linux 6.x) take O_DIRECT.
  const target = await openFileTarget(path, (n) => batches.push(n), direct);
  try {
    let offset = 0;
    for (let i = 0; offset < data.length; i++) {
      const n = Math.min(sizes[i % sizes.length]!, data.length - offset);
      // A fresh copy, then scribbled over once pushed: the sink must have copied it.
      const piece = new Uint8Array(data.subarray(offset, offset + n));
      const waiting = target.sink.push(piece);
      if (waiting) await waiting;
      piece.fill(0);
      offset += n;
    }
    await target.sink.end();
    await target.sync();
    return { bytes: target.sink.bytes, batches };
  } finally {
    await target.close();
  }
}

describe.each([
  ['direct', true],
  ['buffered', false],
])('openFileTarget (%s)', (_mode, direct) => {
  it('writes every byte in order: full batches, an aligned tail and a last partial block', async () => {
    // 9 MiB + 12 345: two full 4 MiB batches, then 1 MiB + 12 345 (aligned part + 57 bytes).
    const data = randomBytes(9 * (1 << 20) + 12_345);
    const path = join(dir, `nine-${direct}.bin`);
    const { bytes, batches } = await writeThrough(
      path,
      data,
      [16_400, 16, 5 << 20, 1, 777],
      direct,
    );
    expect(bytes).toBe(data.length);
    expect(batches).toEqual([4 << 20, 4 << 20, (1 << 20) + 12_345]);
    expect(Buffer.compare(await readFile(path), data)).toBe(0);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('writes a file smaller than one block through the ordinary handle', async () => {
    const data = randomBytes(100);
    const path = join(dir, `small-${direct}.bin`);
    await writeThrough(path, data, [7], direct);
    expect(Buffer.compare(await readFile(path), data)).toBe(0);
  });

  it('creates its file exclusively (never writes over an existing one)', async () => {
    const path = join(dir, `taken-${direct}.bin`);
    await writeFile(path, 'keep me');
    await expect(openFileTarget(path, () => {}, direct)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(path, 'utf8')).toBe('keep me');
  });
});
