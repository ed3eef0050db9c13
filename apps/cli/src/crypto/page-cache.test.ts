import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tooling/test-temp.ts';
import { dropCachedRange, pageCacheHintLoaded } from './page-cache.ts';

/** Bytes of `path` in the page cache (util-linux fincore). */
function residentBytes(path: string): number {
  const out = execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', path], {
    encoding: 'utf8',
  });
  return Number(out.trim());
}

describe('page-cache hint', () => {
  it('is built and loaded (the build compiles it on this machine)', () => {
    expect(pageCacheHintLoaded()).toBe(true);
  });

  it('drops a synced range and only that range; the bytes stay intact', async () => {
    const path = join(await tempDir('coffer-page-cache-'), 'synced.bin');
    const data = randomBytes(8 << 20);
    const fh = await open(path, 'wx', 0o600);
    try {
      await fh.write(data);
      await fh.datasync();
      expect(residentBytes(path)).toBe(8 << 20);
      expect(dropCachedRange(fh.fd, 0, 6 << 20)).toBe(true);
      // The last 2 MiB stay cached.
      expect(residentBytes(path)).toBe(2 << 20);
      expect(dropCachedRange(fh.fd, 0, 0)).toBe(false);
      expect(residentBytes(path)).toBe(2 << 20);
    } finally {
      await fh.close();
    }
    expect(Buffer.compare(await readFile(path), data)).toBe(0);
  });

  it('refuses bad arguments with a typed error and reports a bad fd as not done', () => {
    expect(() => dropCachedRange(-1, 0, 10)).toThrow(RangeError);
    expect(() => dropCachedRange(3, -5, 10)).toThrow(RangeError);
    expect(() => dropCachedRange(Number.NaN, 0, 10)).toThrow(RangeError);
    expect(() => dropCachedRange(3, 0, 2 ** 60)).toThrow(RangeError);
    // A closed or never-opened descriptor: EBADF from the kernel, nothing thrown.
    expect(dropCachedRange(987_654, 0, 4096)).toBe(false);
  });
});
