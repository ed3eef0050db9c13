// Node figures: raw AES-GCM ceiling, Cobblestone streams, 1 GiB RSS, Argon2id, records.
import { execFileSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  chunkWorkerStats,
  chunkWorkersOnline,
  configureChunkWorkers,
  spareCoreThreads,
} from '../src/cobblestone/chunk-workers.ts';
import {
  type NativeGcmStatus,
  nativeGcmStatus,
  setNativeGcmEnabled,
} from '../src/cobblestone/native-gcm.ts';
import { cobblestoneOpen, cobblestoneSeal } from '../src/cobblestone/whole-message.ts';
import { openEnvelope, recordAppContext, sealEnvelope } from '../src/envelope/index.ts';
import { ARGON2ID_FLOOR, argon2id } from '../src/primitives/argon2id.ts';
import { bundle } from './bundle.ts';
import {
  interleavedTimings,
  MiB,
  mbPerSecond,
  medianMs,
  streamWorkload,
  type Timing,
} from './streams.ts';

/**
 * node:crypto AES-256-GCM, one cipher per `bufferSize` bytes, on one thread.
 * Over 64 KiB buffers: the most any chunked construction could reach. Over
 * 16 KiB: the way Cobblestone needs it (each chunk has its own nonce, so its
 * own cipher), the most a single-threaded implementation could reach.
 */
function gcmCeiling(total: number, bufferSize: number): () => Promise<void> {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const buffer = randomBytes(bufferSize);
  return async () => {
    for (let done = 0; done < total; done += buffer.length) {
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.update(buffer);
      cipher.final();
      cipher.getAuthTag();
    }
  };
}

const aesGcmCeiling = (total: number) => gcmCeiling(total, 64 * 1024);
const perChunkCeiling = (total: number) => gcmCeiling(total, 16 * 1024);

// One thread of the all-cores ceiling: on each message, that many 16 KiB chunks
// the way perChunkCeiling seals them; answers when done.
const PER_CHUNK_THREAD = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const key = crypto.randomBytes(32);
const iv = crypto.randomBytes(12);
const buffer = crypto.randomBytes(16 * 1024);
parentPort.on('message', (chunks) => {
  for (let i = 0; i < chunks; i++) {
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    cipher.update(buffer);
    cipher.final();
    cipher.getAuthTag();
  }
  parentPort.postMessage(chunks);
});`;

/**
 * The per-chunk ceiling on every core at once: one worker thread per core,
 * each sealing its share of `total`. What any node:crypto implementation of
 * Cobblestone could reach on this machine with perfect parallelism and no
 * stream around it; if this is below a target, no design can meet it here.
 */
async function allCoresPerChunkCeiling(
  total: number,
): Promise<{ threads: number; run: () => Promise<void>; close: () => Promise<void> }> {
  const threads = availableParallelism();
  const workers = Array.from(
    { length: threads },
    () => new Worker(PER_CHUNK_THREAD, { eval: true }),
  );
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('online', resolve))));
  const share = Math.ceil(total / (16 * 1024) / threads);
  return {
    threads,
    run: async () => {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise((resolve) => {
              w.once('message', resolve);
              w.postMessage(share);
            }),
        ),
      );
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

export interface RssFigures {
  bytes: number;
  ms: number;
  /** Peak RSS of the child itself (VmHWM on Linux), MB = 10^6 bytes. */
  maxRssMB: number;
  /** process.resourceUsage().maxRSS, which on Linux may include the parent's peak at fork. */
  rusageMaxRssMB: number;
  /** Batches handed to worker threads, and how many the calling thread took back. */
  workerBatches: { submitted: number; takenBack: number };
  /** Whether the child used the native chunk AEAD (it should whenever the parent does). */
  nativeChunkAead: boolean;
}

/** Peak RSS of streaming `total` bytes, over several fresh children. */
export interface RssSummary extends RssFigures {
  /** The same child streaming nothing. */
  baselineMB: number;
  /** maxRssMB of every run; the summary fields are the median run's. */
  runsMB: number[];
}

/**
 * Seal then open `total` bytes as one stream in a fresh process; its peak RSS
 * (the median of `runs` children, every run listed: the peak depends on when
 * the garbage collector gets a core). The child runs bundled JavaScript, as
 * an application would (Node's own TypeScript stripping alone adds ~35 MB of
 * RSS); `baselineMB` is the same child streaming nothing.
 */
export async function streamRss(total: number, runs = 3, threads?: number): Promise<RssSummary> {
  // Inside the package (dist/ is build output), so that the bundled child
  // finds the native chunk AEAD through the package's name as an app would.
  const dir = mkdtempSync(fileURLToPath(new URL('../dist/.bench-rss-', import.meta.url)));
  const script = join(dir, 'stream-rss.mjs');
  writeFileSync(script, await bundle('./stream-rss.ts', 'node'));
  try {
    const extra = threads === undefined ? [] : [String(threads)];
    const run = (bytes: number) =>
      JSON.parse(
        execFileSync(process.execPath, [script, String(bytes), ...extra], { encoding: 'utf8' }),
      ) as RssFigures;
    const baselineMB = run(0).maxRssMB;
    const results = Array.from({ length: runs }, () => run(total));
    const runsMB = results.map((r) => r.maxRssMB);
    const median = [...results].sort((a, b) => a.maxRssMB - b.maxRssMB)[Math.floor(runs / 2)]!;
    return { ...median, baselineMB, runsMB };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median milliseconds of Argon2id at the floor parameters (64 MiB, t=3, p=1). */
export async function argon2idFloorMs(runs: number): Promise<number> {
  const password = new TextEncoder().encode('correct horse battery staple');
  const salt = new Uint8Array(16).fill(1);
  return Math.round(await medianMs(runs, () => argon2id(password, salt, ARGON2ID_FLOOR)));
}

/** Milliseconds of CPU time this process has used (all threads). */
export function cpuNowMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Operations per second: wall clock, and per second of process CPU time. */
export interface Rate {
  perSecond: number;
  perCpuSecond: number;
}

/**
 * Sequential operations per second of each op, measured in alternating
 * windows of about `windowMs` (median over `windows`), so that a shared
 * machine's load affects every op alike.
 */
async function opRates<K extends string>(
  windows: number,
  windowMs: number,
  ops: Record<K, () => Promise<unknown>>,
): Promise<Record<K, Rate>> {
  const names = Object.keys(ops) as K[];
  for (const name of names) for (let i = 0; i < 300; i++) await ops[name]();
  const wall = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  const cpu = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let w = 0; w < windows; w++) {
    for (const name of names) {
      const op = ops[name];
      let count = 0;
      const cpuStart = cpuNowMs();
      const start = performance.now();
      const end = start + windowMs;
      while (performance.now() < end) {
        for (let i = 0; i < 50; i++) await op();
        count += 50;
      }
      const elapsed = performance.now() - start;
      wall[name].push(count / (elapsed / 1000));
      cpu[name].push(count / ((cpuNowMs() - cpuStart) / 1000));
    }
  }
  const median = (xs: number[]) => Math.round(xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
  return Object.fromEntries(
    names.map((n) => [n, { perSecond: median(wall[n]), perCpuSecond: median(cpu[n]) }]),
  ) as Record<K, Rate>;
}

export interface RecordFigures {
  what: string;
  seal: Rate;
  open: Rate;
}

/**
 * 1 KiB records as DIRECT envelopes (sealEnvelope / openEnvelope) and as bare
 * cobblestoneSeal / cobblestoneOpen, one at a time.
 */
export async function recordFigures(windows: number): Promise<RecordFigures[]> {
  const plaintext = randomBytes(1024);
  const key = { kid: randomBytes(16), epoch: 1, key: randomBytes(32) };
  const context = recordAppContext(randomBytes(16), randomBytes(16));
  const options = { contentType: 'record' as const, context, key };
  const envelope = await sealEnvelope(plaintext, options);
  const openOptions = { context, keys: [key], contentType: 'record' as const };
  const ciphertext = await cobblestoneSeal(key.key, context, plaintext);
  const rates = await opRates(windows, 250, {
    sealEnvelope: () => sealEnvelope(plaintext, options),
    openEnvelope: () => openEnvelope(envelope, openOptions),
    cobblestoneSeal: () => cobblestoneSeal(key.key, context, plaintext),
    cobblestoneOpen: () => cobblestoneOpen(key.key, context, ciphertext),
  });
  return [
    {
      what: 'DIRECT envelope (sealEnvelope/openEnvelope), 1 KiB',
      seal: rates.sealEnvelope,
      open: rates.openEnvelope,
    },
    {
      what: 'cobblestoneSeal/cobblestoneOpen, 1 KiB',
      seal: rates.cobblestoneSeal,
      open: rates.cobblestoneOpen,
    },
  ];
}

/** Throughput of a stream workload: wall clock, per CPU second, and both as ratios to the ceiling. */
export interface StreamRate {
  MBps: number;
  ratio: number;
  cpuMBps: number;
  cpuRatio: number;
}

/** A pooled stream's rate, also as a ratio to the all-cores per-chunk ceiling of the same rounds. */
export interface PooledRate extends StreamRate {
  allCoresRatio: number;
}

export interface NodeFigures {
  /** Which chunk AEAD the streams below used: the native one, or why not. */
  chunkAead: NativeGcmStatus;
  /**
   * The same streams in the same rounds with node:crypto for every chunk (the
   * fallback, and what the streams did before the native chunk AEAD), when the
   * native one is in use.
   */
  nodeCryptoChunks?:
    | {
        seal: StreamRate;
        open: StreamRate;
        sealEnvelope: StreamRate;
        openEnvelope: StreamRate;
      }
    | undefined;
  ceilingMBps: number;
  ceilingCpuMBps: number;
  /** node:crypto with one cipher per 16 KiB chunk, one thread. */
  perChunkCeilingMBps: number;
  /** The streams again with the worker pool on (off by default), beside the same ceilings. */
  workers: {
    /** Threads the streams ran on: worker threads + the calling thread. */
    threads: number;
    /** Batches handed to workers during the measured runs, and taken back. */
    batches: { submitted: number; takenBack: number };
    ceilingMBps: number;
    perChunkCeilingMBps: number;
    /** The per-chunk ceiling on every core at once (one worker thread per core, no stream). */
    allCores: { threads: number; perChunkCeilingMBps: number };
    seal: PooledRate;
    open: PooledRate;
    sealEnvelope: PooledRate;
    openEnvelope: PooledRate;
  };
  stream: {
    seal: StreamRate;
    open: StreamRate;
    sealEnvelope: StreamRate;
    openEnvelope: StreamRate;
  };
  rss: RssSummary;
  /** The same with the worker pool on. */
  rssWorkers: RssSummary;
  argon2idFloorMs: number;
  records: RecordFigures[];
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** A stream's `timing` over `total` bytes, and as ratios to the ceiling measured in the same rounds. */
function streamRate(total: number, timing: Timing, ceiling: Timing): StreamRate {
  const MBps = mbPerSecond(total, timing.wallMs);
  const cpuMBps = mbPerSecond(total, timing.cpuMs!);
  return {
    MBps,
    ratio: round2(MBps / mbPerSecond(total, ceiling.wallMs)),
    cpuMBps,
    cpuRatio: round2(cpuMBps / mbPerSecond(total, ceiling.cpuMs!)),
  };
}

export async function nodeFigures(runs: number): Promise<NodeFigures> {
  const total = 64 * MiB;
  const streams = await streamWorkload(total);
  const chunkAead = nativeGcmStatus();
  // The fallback, measured beside the default in the same rounds.
  const nodeCryptoOnly =
    (workload: () => Promise<void>): (() => Promise<void>) =>
    async () => {
      setNativeGcmEnabled(false);
      try {
        await workload();
      } finally {
        setNativeGcmEnabled(true);
      }
    };
  const fallback: Record<string, () => Promise<void>> = chunkAead.loaded
    ? {
        sealNodeCrypto: nodeCryptoOnly(streams.seal),
        openNodeCrypto: nodeCryptoOnly(streams.open),
        sealEnvelopeNodeCrypto: nodeCryptoOnly(streams.sealEnvelope),
        openEnvelopeNodeCrypto: nodeCryptoOnly(streams.openEnvelope),
      }
    : {};
  const t = await interleavedTimings(
    runs,
    {
      ceiling: aesGcmCeiling(total),
      perChunkCeiling: perChunkCeiling(total),
      seal: streams.seal,
      open: streams.open,
      sealEnvelope: streams.sealEnvelope,
      openEnvelope: streams.openEnvelope,
      ...fallback,
    },
    cpuNowMs,
  );
  const ceilingMBps = mbPerSecond(total, t.ceiling.wallMs);
  const ceilingCpuMBps = mbPerSecond(total, t.ceiling.cpuMs!);
  const timings: Record<string, Timing> = t;
  const rate = (name: string) => streamRate(total, timings[name]!, t.ceiling);
  // The worker pool, started first as a long-running application would have it.
  configureChunkWorkers({ threads: spareCoreThreads() });
  const workers = await chunkWorkersOnline();
  const allCores = await allCoresPerChunkCeiling(total);
  const before = chunkWorkerStats();
  const w = await interleavedTimings(
    runs,
    {
      ceiling: aesGcmCeiling(total),
      perChunkCeiling: perChunkCeiling(total),
      allCoresPerChunkCeiling: allCores.run,
      seal: streams.seal,
      open: streams.open,
      sealEnvelope: streams.sealEnvelope,
      openEnvelope: streams.openEnvelope,
    },
    cpuNowMs,
  );
  const after = chunkWorkerStats();
  await allCores.close();
  configureChunkWorkers(undefined);
  const wRate = (name: 'seal' | 'open' | 'sealEnvelope' | 'openEnvelope'): PooledRate => {
    const r = streamRate(total, w[name], w.ceiling);
    const allCores = mbPerSecond(total, w.allCoresPerChunkCeiling.wallMs);
    return { ...r, allCoresRatio: round2(r.MBps / allCores) };
  };
  return {
    chunkAead,
    nodeCryptoChunks: chunkAead.loaded
      ? {
          seal: rate('sealNodeCrypto'),
          open: rate('openNodeCrypto'),
          sealEnvelope: rate('sealEnvelopeNodeCrypto'),
          openEnvelope: rate('openEnvelopeNodeCrypto'),
        }
      : undefined,
    ceilingMBps,
    ceilingCpuMBps,
    perChunkCeilingMBps: mbPerSecond(total, t.perChunkCeiling.wallMs),
    workers: {
      threads: workers + 1,
      batches: {
        submitted: after.submitted - before.submitted,
        takenBack: after.takenBack - before.takenBack,
      },
      ceilingMBps: mbPerSecond(total, w.ceiling.wallMs),
      perChunkCeilingMBps: mbPerSecond(total, w.perChunkCeiling.wallMs),
      allCores: {
        threads: allCores.threads,
        perChunkCeilingMBps: mbPerSecond(total, w.allCoresPerChunkCeiling.wallMs),
      },
      seal: wRate('seal'),
      open: wRate('open'),
      sealEnvelope: wRate('sealEnvelope'),
      openEnvelope: wRate('openEnvelope'),
    },
    stream: {
      seal: rate('seal'),
      open: rate('open'),
      sealEnvelope: rate('sealEnvelope'),
      openEnvelope: rate('openEnvelope'),
    },
    rss: await streamRss(1024 * MiB),
    rssWorkers: await streamRss(1024 * MiB, 3, spareCoreThreads()),
    argon2idFloorMs: await argon2idFloorMs(3),
    records: await recordFigures(runs + 2),
  };
}
