// Node figures: raw AES-GCM ceiling, Cobblestone streams, 1 GiB RSS, Argon2id, records.
import { execFileSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cobblestoneOpen, cobblestoneSeal } from '../src/cobblestone/whole-message.ts';
import { openEnvelope, recordAppContext, sealEnvelope } from '../src/envelope/index.ts';
import { ARGON2ID_FLOOR, argon2id } from '../src/primitives/argon2id.ts';
import { bundle } from './bundle.ts';
import { interleavedMedians, MiB, mbPerSecond, medianMs, streamWorkload, time } from './streams.ts';

/** node:crypto AES-256-GCM over 64 KiB buffers: the most any chunked construction could reach. */
function aesGcmCeiling(total: number): () => Promise<void> {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const buffer = randomBytes(64 * 1024);
  return async () => {
    for (let done = 0; done < total; done += buffer.length) {
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.update(buffer);
      cipher.final();
      cipher.getAuthTag();
    }
  };
}

export interface RssFigures {
  bytes: number;
  ms: number;
  /** Peak RSS of the child itself (VmHWM on Linux). */
  maxRssMB: number;
  /** process.resourceUsage().maxRSS, which on Linux may include the parent's peak at fork. */
  rusageMaxRssMB: number;
}

/**
 * Seal then open `total` bytes as one stream in a fresh process; its peak RSS.
 * The child runs bundled JavaScript, as an application would (Node's own
 * TypeScript stripping alone adds ~35 MB of RSS); `baselineMB` is the same
 * child streaming nothing.
 */
export async function streamRss(total: number): Promise<RssFigures & { baselineMB: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-bench-'));
  const script = join(dir, 'stream-rss.mjs');
  writeFileSync(script, await bundle('./stream-rss.ts', 'node'));
  try {
    const run = (bytes: number) =>
      JSON.parse(
        execFileSync(process.execPath, [script, String(bytes)], { encoding: 'utf8' }),
      ) as RssFigures;
    const baselineMB = run(0).maxRssMB;
    return { ...run(total), baselineMB };
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

/** Sequential operations per second of `op`, over about `ms` milliseconds. */
async function opsPerSecond(ms: number, op: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await op();
  let count = 0;
  const elapsed = await time(async () => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      for (let i = 0; i < 100; i++) await op();
      count += 100;
    }
  });
  return Math.round(count / (elapsed / 1000));
}

export interface RecordFigures {
  what: string;
  sealPerSecond: number;
  openPerSecond: number;
}

/** 1 KiB records as DIRECT envelopes (sealEnvelope / openEnvelope), one at a time. */
export async function recordFigures(ms: number): Promise<RecordFigures> {
  const plaintext = randomBytes(1024);
  const key = { kid: randomBytes(16), epoch: 1, key: randomBytes(32) };
  const context = recordAppContext(randomBytes(16), randomBytes(16));
  const options = { contentType: 'record' as const, context, key };
  const envelope = await sealEnvelope(plaintext, options);
  const openOptions = { context, keys: [key], contentType: 'record' as const };
  return {
    what: 'DIRECT envelope (sealEnvelope/openEnvelope), 1 KiB',
    sealPerSecond: await opsPerSecond(ms, () => sealEnvelope(plaintext, options)),
    openPerSecond: await opsPerSecond(ms, () => openEnvelope(envelope, openOptions)),
  };
}

/** The same for bare Cobblestone whole-message seal/open (no envelope header). */
export async function cobblestoneRecordFigures(ms: number): Promise<RecordFigures> {
  const plaintext = randomBytes(1024);
  const key = randomBytes(32);
  const context = randomBytes(40);
  const ciphertext = await cobblestoneSeal(key, context, plaintext);
  return {
    what: 'cobblestoneSeal/cobblestoneOpen, 1 KiB',
    sealPerSecond: await opsPerSecond(ms, () => cobblestoneSeal(key, context, plaintext)),
    openPerSecond: await opsPerSecond(ms, () => cobblestoneOpen(key, context, ciphertext)),
  };
}

export interface NodeFigures {
  ceilingMBps: number;
  stream: { sealMBps: number; openMBps: number; sealRatio: number; openRatio: number };
  rss: RssFigures & { baselineMB: number };
  argon2idFloorMs: number;
  records: RecordFigures[];
}

export async function nodeFigures(runs: number): Promise<NodeFigures> {
  const total = 64 * MiB;
  const streams = await streamWorkload(total);
  const ms = await interleavedMedians(runs, {
    ceiling: aesGcmCeiling(total),
    seal: streams.seal,
    open: streams.open,
  });
  const ceilingMBps = mbPerSecond(total, ms.ceiling);
  const sealMBps = mbPerSecond(total, ms.seal);
  const openMBps = mbPerSecond(total, ms.open);
  const ratio = (x: number) => Math.round((x / ceilingMBps) * 100) / 100;
  return {
    ceilingMBps,
    stream: { sealMBps, openMBps, sealRatio: ratio(sealMBps), openRatio: ratio(openMBps) },
    rss: await streamRss(1024 * MiB),
    argon2idFloorMs: await argon2idFloorMs(3),
    records: [await recordFigures(1000), await cobblestoneRecordFigures(1000)],
  };
}
