/**
 * Kernel CPU of writing 1 GiB into the page cache in writes of several sizes,
 * each after SETTLE seconds idle (fresh pages: see README, "Large writes get
 * large folios"), interleaved. The sizes are each other's baseline, in the
 * same run; `run.ts` has the `cp + sync` one.
 *
 *   node apps/cli/bench/write-size.ts [--dir /tmp] [--rounds 2] [--settle 5]
 */
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: tmpdir() },
    rounds: { type: 'string', default: '2' },
    settle: { type: 'string', default: '5' },
  },
});
const TOTAL = 1 << 30;
const SIZES_KIB = [4096, 1024, 512, 256, 64];
const dir = mkdtempSync(join(values.dir, 'coffer-write-size-'));
const source = randomFillSync(Buffer.allocUnsafeSlow(4 << 20));

async function writeAll(sizeKiB: number): Promise<{ ms: number; systemMs: number }> {
  const path = join(dir, 'out.bin');
  const fh = await open(path, 'wx');
  const step = sizeKiB << 10;
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let at = 0; at < TOTAL; ) {
    for (let o = 0; o < source.length; o += step, at += step) await fh.write(source, o, step, at);
  }
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  await fh.close();
  await rm(path);
  return { ms, systemMs: used.system / 1000 };
}

try {
  console.log(`1 GiB into the page cache of ${dir}, each after ${values.settle} s idle`);
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const kib of SIZES_KIB) {
      await sleep(Number(values.settle) * 1000);
      const { ms, systemMs } = await writeAll(kib);
      console.log(
        `  writes of ${String(kib).padStart(4)} KiB: ${ms.toFixed(0).padStart(5)} ms wall, ${systemMs.toFixed(0).padStart(5)} ms system CPU`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
