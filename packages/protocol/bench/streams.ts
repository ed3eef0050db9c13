// Streaming workloads shared by the Node and the Chromium benchmarks.
import { createCobblestoneOpenStream } from '../src/cobblestone/open-stream.ts';
import { createCobblestoneSealStream } from '../src/cobblestone/seal-stream.ts';
import { createOpenEnvelopeStream } from '../src/envelope/open-stream.ts';
import { createSealEnvelopeStream } from '../src/envelope/seal-stream.ts';

export const MiB = 1024 * 1024;

/** `total` bytes in pieces of `pieceSize`, generated on demand (nothing held in memory). */
export function plaintextSource(total: number, pieceSize = 64 * 1024): ReadableStream<Uint8Array> {
  const piece = new Uint8Array(pieceSize).map((_, i) => (i * 131) & 0xff);
  let sent = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (sent >= total) return controller.close();
        const n = Math.min(pieceSize, total - sent);
        controller.enqueue(n === pieceSize ? piece : piece.subarray(0, n));
        sent += n;
      },
    },
    { highWaterMark: 0 },
  );
}

/** Replay buffered pieces as a stream. */
export function replay(pieces: ReadonlyArray<Uint8Array>): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const piece = pieces[next++];
        if (piece) controller.enqueue(piece);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

/** Read a stream to the end, counting bytes; optionally keep the pieces. */
export async function drain(
  stream: ReadableStream<Uint8Array>,
  keep?: Uint8Array[],
): Promise<number> {
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return total;
    total += value.length;
    keep?.push(value);
  }
}

/** Milliseconds of one call. */
export async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Median of `runs` timings after one warm-up run. */
export async function medianMs(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await time(fn));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function mbPerSecond(bytes: number, ms: number): number {
  return Math.round(bytes / 1e6 / (ms / 1000));
}

/** Streaming seal and open of `total` plaintext bytes, fed in 64 KiB pieces. */
export interface StreamWorkload {
  /** Bare Cobblestone-256 streams. */
  seal(): Promise<void>;
  open(): Promise<void>;
  /** DIRECT blob envelopes (createSealEnvelopeStream / createOpenEnvelopeStream), as blobs travel. */
  sealEnvelope(): Promise<void>;
  openEnvelope(): Promise<void>;
}

/** Everything `stream` emits, re-cut into 64 KiB pieces (as a network or file reader delivers it). */
async function recut(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const sealedPieces: Uint8Array[] = [];
  await drain(stream, sealedPieces);
  const ciphertext = new Uint8Array(sealedPieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const piece of sealedPieces.splice(0)) {
    ciphertext.set(piece, at);
    at += piece.length;
  }
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < ciphertext.length; i += 64 * 1024) {
    pieces.push(ciphertext.subarray(i, i + 64 * 1024));
  }
  return pieces;
}

export async function streamWorkload(total: number): Promise<StreamWorkload> {
  const key = new Uint8Array(32).fill(7);
  const context = new Uint8Array([1, 2, 3]);
  const blobKey = { kid: new Uint8Array(16).fill(5), epoch: 1, key };
  const envelopeOptions = { contentType: 'blob' as const, context, key: blobKey };
  const sealStream = () =>
    plaintextSource(total).pipeThrough(createCobblestoneSealStream(key, context));
  const sealEnvelopeStream = () =>
    plaintextSource(total).pipeThrough(createSealEnvelopeStream(envelopeOptions));
  const pieces = await recut(sealStream());
  const envelopePieces = await recut(sealEnvelopeStream());
  const expectLength = (n: number) => {
    if (n !== total) throw new Error('open produced the wrong length');
  };
  return {
    async seal() {
      await drain(sealStream());
    },
    async open() {
      expectLength(
        await drain(replay(pieces).pipeThrough(createCobblestoneOpenStream(key, context))),
      );
    },
    async sealEnvelope() {
      await drain(sealEnvelopeStream());
    },
    async openEnvelope() {
      const opener = createOpenEnvelopeStream({ context, keys: [blobKey], contentType: 'blob' });
      expectLength(await drain(replay(envelopePieces).pipeThrough(opener)));
      await opener.result;
    },
  };
}

/**
 * Median timings of several workloads measured in interleaved rounds (after a
 * warm-up round), so that a shared machine's load affects each one alike and
 * ratios between them stay meaningful.
 */
export async function interleavedMedians<K extends string>(
  rounds: number,
  workloads: Record<K, () => Promise<unknown>>,
): Promise<Record<K, number>> {
  const names = Object.keys(workloads) as K[];
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    K,
    number[]
  >;
  for (let round = 0; round <= rounds; round++) {
    for (const name of names) {
      const ms = await time(workloads[name]);
      if (round > 0) times[name].push(ms);
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return Object.fromEntries(names.map((name) => [name, median(times[name])])) as Record<K, number>;
}

/** Wall-clock and (where the runtime reports it) CPU milliseconds of one workload. */
export interface Timing {
  wallMs: number;
  /** Process CPU time (all threads); undefined where unavailable (browsers). */
  cpuMs: number | undefined;
}

/**
 * {@link interleavedMedians} that also reports the median CPU time, from
 * `cpuNow` (milliseconds of process CPU time). On a shared machine the wall
 * clock counts time spent waiting for a core; CPU time does not.
 */
export async function interleavedTimings<K extends string>(
  rounds: number,
  workloads: Record<K, () => Promise<unknown>>,
  cpuNow?: () => number,
): Promise<Record<K, Timing>> {
  const names = Object.keys(workloads) as K[];
  const wall = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  const cpu = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round <= rounds; round++) {
    for (const name of names) {
      const cpuStart = cpuNow?.() ?? 0;
      const ms = await time(workloads[name]);
      const cpuMs = (cpuNow?.() ?? 0) - cpuStart;
      if (round > 0) {
        wall[name].push(ms);
        cpu[name].push(cpuMs);
      }
    }
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return Object.fromEntries(
    names.map((n) => [n, { wallMs: median(wall[n]), cpuMs: cpuNow ? median(cpu[n]) : undefined }]),
  ) as Record<K, Timing>;
}
