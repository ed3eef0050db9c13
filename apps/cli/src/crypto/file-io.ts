/**
 * Streams bytes from a file (or stdin) through a transform into a file (or
 * stdout), with bounded memory. A file target is written to a temporary file
 * in the same directory and renamed over the target only after the whole
 * transform succeeded: a failed decryption (tampered, truncated, wrong key)
 * or an interrupted run leaves no partial output in place of the target.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError } from '../cli/exit-codes.ts';
import { openFileTarget } from './buffered-file-sink.ts';
import { type ByteSink, createByteSink } from './byte-sink.ts';
import type { ByteSource } from './byte-source.ts';
import { probeMemory } from './memory-probe.ts';
import { createYoungGc } from './young-gc.ts';

/** Output bytes written between two young-generation collections (see young-gc.ts). */
const GC_EVERY = 8 << 20;
/**
 * Inputs at least this large go through the buffered file sink (reused
 * buffers, writes queued ahead; around the page cache with
 * COFFER_DIRECT_IO=1, see buffered-file-sink.ts); smaller ones, and inputs of
 * unknown size, through the byte sink without its 12 MiB of buffers.
 */
const BUFFERED_MIN = 8 << 20;

export interface TransferReport {
  bytesIn: number;
  bytesOut: number;
}

export interface PipeOptions {
  /** Replace an existing target. */
  force: boolean;
  /** Called with running totals of bytes read. */
  onProgress?: (bytesIn: number) => void;
  /** Called with each piece the transform released (decrypt: verified plaintext), before it is written. */
  onOutput?: (bytes: number) => void;
}

/** Refuse to clobber a target unless --force; a target that is a directory is a usage error. */
export async function checkTarget(target: string, force: boolean, input?: string): Promise<void> {
  if (target === '-') return;
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory() === true) {
    throw new CliError('usage', 'is_directory', `${target} is a directory`);
  }
  if (existing === undefined) {
    // Said about OUT, before the temporary file beside it would fail with its own odd name.
    const dir = dirname(target);
    if ((await stat(dir).catch(() => undefined))?.isDirectory() !== true)
      throw new CliError(
        'notFound',
        'no_such_directory',
        `cannot write ${target}: no directory ${dir}`,
      );
    return;
  }
  if (input !== undefined && input !== '-') {
    const source = await stat(input).catch(() => undefined);
    // Even with --force: replacing IN with its own output is never what was meant.
    if (source !== undefined && source.dev === existing.dev && source.ino === existing.ino)
      throw new CliError('usage', 'same_file', `IN and OUT are the same file (${target})`);
  }
  if (!force) {
    throw new CliError(
      'conflict',
      'already_exists',
      `${target} already exists`,
      'pass --force to replace it',
    );
  }
}

/**
 * Feed `source` through `transform` (or copy it when there is none) into
 * `sink`. The transform's output is drained while input is still being fed,
 * so a failure on either side ends both (no task left waiting).
 */
async function drive(
  source: ByteSource,
  transform: ReadableWritablePair<Uint8Array, Uint8Array> | undefined,
  sink: ByteSink,
  onIn: (n: number) => void,
  onOut?: (n: number) => void,
): Promise<void> {
  if (transform === undefined) {
    for (let piece = await source.next(); piece !== undefined; piece = await source.next()) {
      onIn(piece.length);
      // The sink copies the piece before this settles, so the source may reuse it.
      await sink.push(piece);
    }
    return sink.end();
  }
  const writer = transform.writable.getWriter();
  const reader = transform.readable.getReader();
  const feed = async () => {
    try {
      probeMemory('feed start');
      let probed = 0;
      for (let piece = await source.next(); piece !== undefined; piece = await source.next()) {
        onIn(piece.length);
        // Resolves once the transform consumed the piece, so the source may reuse it.
        await writer.write(piece);
        if (++probed % 128 === 1) probeMemory(`${probed} MiB-pieces in`);
      }
      await writer.close();
    } catch (e) {
      await writer.abort(e).catch(() => {});
      throw e;
    }
  };
  const drain = async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        onOut?.(value.length);
        const writing = sink.push(value);
        if (writing) await writing;
      }
      await sink.end();
    } catch (e) {
      await reader.cancel(e).catch(() => {});
      throw e;
    }
  };
  await Promise.all([feed(), drain()]);
}

/**
 * source → transform → target. The transform must emit fresh bytes, never
 * views of its input (the envelope streams encrypt or decrypt into new
 * buffers): a file source reuses its read buffers. For a file target the bytes land in a temp
 * file that is fsynced and renamed only on success; on any failure (or SIGINT)
 * the temp file is removed and the error rethrown. The source is closed.
 */
export async function pipeToTarget(
  source: ByteSource,
  transform: ReadableWritablePair<Uint8Array, Uint8Array> | undefined,
  target: string,
  options: PipeOptions,
): Promise<TransferReport> {
  let bytesIn = 0;
  const onIn = (n: number) => {
    bytesIn += n;
    options.onProgress?.(bytesIn);
  };
  try {
    if (target === '-') {
      const sink = createByteSink(undefined, createYoungGc(GC_EVERY));
      await drive(source, transform, sink, onIn, options.onOutput);
      return { bytesIn, bytesOut: sink.bytes };
    }
    return await toFile(source, transform, target, onIn, () => bytesIn, options.onOutput);
  } finally {
    await source.close();
  }
}

/** The temp file, written through the page cache or around it (large inputs). */
async function openTarget(
  tmp: string,
  expectedBytes: number | undefined,
): Promise<{ sink: ByteSink; sync(): Promise<void>; close(): Promise<void> }> {
  const collect = createYoungGc(GC_EVERY);
  if (expectedBytes !== undefined && expectedBytes >= BUFFERED_MIN) {
    // Direct writes are opt-in (COFFER_DIRECT_IO=1): they save the kernel's copy
    // into the page cache (a libuv thread's CPU), a win on a busy machine, but
    // the device then sets the pace, and on network file systems they are synchronous.
    return openFileTarget(tmp, collect, process.env.COFFER_DIRECT_IO === '1');
  }
  const fh = await open(tmp, 'wx', 0o600);
  let closed = false;
  return {
    sink: createByteSink(fh, collect),
    sync: () => fh.sync(),
    async close() {
      if (closed) return;
      closed = true;
      await fh.close();
    },
  };
}

async function toFile(
  source: ByteSource,
  transform: ReadableWritablePair<Uint8Array, Uint8Array> | undefined,
  target: string,
  onIn: (n: number) => void,
  bytesIn: () => number,
  onOut?: (n: number) => void,
): Promise<TransferReport> {
  const finalPath = resolve(target);
  const tmp = join(
    dirname(finalPath),
    `.${basename(finalPath)}.${randomBytes(6).toString('hex')}.coffer-tmp`,
  );
  const file = await openTarget(tmp, source.size);
  const cleanupOnSignal = () => {
    void rm(tmp, { force: true }).finally(() => process.exit(130));
  };
  process.once('SIGINT', cleanupOnSignal);
  process.once('SIGTERM', cleanupOnSignal);
  try {
    await drive(source, transform, file.sink, onIn, onOut);
    probeMemory('written');
    await file.sync();
    probeMemory('synced');
    await file.close();
    await rename(tmp, finalPath);
    return { bytesIn: bytesIn(), bytesOut: file.sink.bytes };
  } catch (e) {
    await file.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  } finally {
    process.off('SIGINT', cleanupOnSignal);
    process.off('SIGTERM', cleanupOnSignal);
  }
}
