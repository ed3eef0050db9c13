/**
 * The page-cache hint (native/page-cache.c, built into dist/native/ by
 * scripts/build-native.ts): drop a written and synced range of a file from
 * the page cache. Optional: without the addon (no C compiler at build time,
 * another platform) large outputs just stay cached, as any file does.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

interface PageCacheAddon {
  dropCachedRange(fd: number, offset: number, length: number): number;
}

/** Where the addon is: beside the bundle (dist/*.js), or in dist/ when running from source. */
const CANDIDATES = ['./native/page-cache.node', '../../dist/native/page-cache.node'];

let addon: PageCacheAddon | null | undefined;

function load(): PageCacheAddon | null {
  const require = createRequire(import.meta.url);
  for (const candidate of CANDIDATES) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (!existsSync(path)) continue;
    try {
      return require(path) as PageCacheAddon;
    } catch {
      // Built for another platform or Node: behave as if absent.
    }
  }
  return null;
}

/** Whether the hint is available (tests and the benchmark report it). */
export function pageCacheHintLoaded(): boolean {
  addon ??= load();
  return addon !== null;
}

/**
 * Ask the kernel to drop `[offset, offset + length)` of `fd` from the page
 * cache. Only clean (already synced) pages go; a failure changes nothing but
 * the cache, so it is ignored. Returns whether the hint was given.
 */
export function dropCachedRange(fd: number, offset: number, length: number): boolean {
  if (![fd, offset, length].every(Number.isSafeInteger)) {
    throw new RangeError('dropCachedRange: fd, offset and length must be integers');
  }
  addon ??= load();
  if (addon === null || length <= 0) return false;
  return addon.dropCachedRange(fd, offset, length) === 0;
}
