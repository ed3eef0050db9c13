// Child process: stream N bytes through seal then open, report peak RSS.
// Run by run.ts so the parent's own buffers don't count.
import { readFileSync } from 'node:fs';
import { chunkWorkerStats, configureChunkWorkers } from '../src/cobblestone/chunk-workers.ts';
import { nativeGcmStatus } from '../src/cobblestone/native-gcm.ts';
import { createCobblestoneOpenStream } from '../src/cobblestone/open-stream.ts';
import { createCobblestoneSealStream } from '../src/cobblestone/seal-stream.ts';
import { drain, MiB, plaintextSource, time } from './streams.ts';

const total = Number(process.argv[2] ?? 1024 * MiB);
// Optional: worker threads (0 = single-threaded) and chunks per batch.
if (process.argv[3] !== undefined) {
  const batchChunks = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
  configureChunkWorkers({ threads: Number(process.argv[3]), ...(batchChunks && { batchChunks }) });
}
const key = new Uint8Array(32).fill(9);
const context = new Uint8Array([4, 5, 6]);
let opened = 0;
const ms = await time(async () => {
  opened = await drain(
    plaintextSource(total)
      .pipeThrough(createCobblestoneSealStream(key, context))
      .pipeThrough(createCobblestoneOpenStream(key, context)),
  );
});
if (opened !== total) throw new Error(`expected ${total} bytes, got ${opened}`);
// Linux: VmHWM is this process's own peak (fresh at exec). getrusage's maxRSS
// (the fallback elsewhere) can carry over the parent's peak from fork.
function peakRssKiB(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    if (hwm) return Number(hwm);
  } catch {}
  return process.resourceUsage().maxRSS;
}
// MB = 10^6 bytes, like every other figure of the bench.
const toMB = (kiB: number) => Math.round((kiB * 1024) / 1e6);
const maxRssMB = toMB(peakRssKiB());
const rusageMaxRssMB = toMB(process.resourceUsage().maxRSS);
const figures = {
  bytes: total,
  ms: Math.round(ms),
  maxRssMB,
  rusageMaxRssMB,
  workerBatches: chunkWorkerStats(),
  nativeChunkAead: nativeGcmStatus().loaded,
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
