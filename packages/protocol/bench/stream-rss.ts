// Child process: stream N bytes through seal then open, report peak RSS.
// Run by run.ts so the parent's own buffers don't count.
import { createCobblestoneOpenStream } from '../src/cobblestone/open-stream.ts';
import { createCobblestoneSealStream } from '../src/cobblestone/seal-stream.ts';
import { drain, MiB, plaintextSource, time } from './streams.ts';

const total = Number(process.argv[2] ?? 1024 * MiB);
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
// maxRSS is in kilobytes.
const maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`${JSON.stringify({ bytes: total, ms: Math.round(ms), maxRssMB })}\n`);
