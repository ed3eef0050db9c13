/**
 * Streams bytes from a file (or stdin) through a transform into a file (or
 * stdout), with bounded memory. A file target is written to a temporary file
 * in the same directory and renamed over the target only after the whole
 * transform succeeded: a failed decryption (tampered, truncated, wrong key)
 * or an interrupted run leaves no partial output in place of the target.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { CliError } from '../cli/exit-codes.ts';

/** Reads are this large; writes are coalesced to this size (few syscalls, bounded memory). */
const IO_BLOCK = 1 << 20;

export interface TransferReport {
  bytesIn: number;
  bytesOut: number;
}

/** The source as a web stream, and its size when known (for progress). */
export async function openSource(
  path: string,
): Promise<{ stream: ReadableStream<Uint8Array>; size: number | undefined }> {
  if (path === '-') {
    return { stream: Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>, size: undefined };
  }
  let size: number;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new CliError('usage', 'is_directory', `${path} is a directory`);
    size = s.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError('notFound', 'file_not_found', `cannot read ${path}: no such file`);
  }
  const node = createReadStream(path, { highWaterMark: IO_BLOCK });
  return { stream: Readable.toWeb(node) as ReadableStream<Uint8Array>, size };
}

/** A sink that coalesces small pieces into IO_BLOCK writes. */
function coalescingSink(write: (bytes: Uint8Array) => Promise<void>, onBytes: (n: number) => void) {
  const buffer = new Uint8Array(IO_BLOCK);
  let filled = 0;
  const flush = async () => {
    if (filled === 0) return;
    await write(buffer.subarray(0, filled));
    filled = 0;
  };
  return new WritableStream<Uint8Array>({
    async write(piece) {
      onBytes(piece.length);
      if (piece.length >= IO_BLOCK) {
        await flush();
        await write(piece);
        return;
      }
      if (filled + piece.length > IO_BLOCK) await flush();
      buffer.set(piece, filled);
      filled += piece.length;
    },
    close: flush,
  });
}

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, off, bytes.length - off);
    off += bytesWritten;
  }
}

function writeStdout(bytes: Uint8Array): Promise<void> {
  return new Promise((res, rej) => {
    // Copy: the coalescing buffer is reused as soon as this resolves.
    process.stdout.write(Buffer.from(bytes), (err) => (err ? rej(err) : res()));
  });
}

export interface PipeOptions {
  /** Replace an existing target. */
  force: boolean;
  /** Called with running totals of bytes read. */
  onProgress?: (bytesIn: number) => void;
}

/** Refuse to clobber a target unless --force; a target that is a directory is a usage error. */
export async function checkTarget(target: string, force: boolean): Promise<void> {
  if (target === '-') return;
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory() === true) {
    throw new CliError('usage', 'is_directory', `${target} is a directory`);
  }
  if (existing !== undefined && !force) {
    throw new CliError(
      'conflict',
      'already_exists',
      `${target} already exists`,
      'pass --force to replace it',
    );
  }
}

/**
 * source → transform → target. For a file target the bytes land in a temp
 * file that is fsynced and renamed only on success; on any failure (or SIGINT)
 * the temp file is removed and the error rethrown.
 */
export async function pipeToTarget(
  source: ReadableStream<Uint8Array>,
  transform: ReadableWritablePair<Uint8Array, Uint8Array>,
  target: string,
  options: PipeOptions,
): Promise<TransferReport> {
  const report: TransferReport = { bytesIn: 0, bytesOut: 0 };
  const counted = source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(piece, controller) {
        report.bytesIn += piece.length;
        options.onProgress?.(report.bytesIn);
        controller.enqueue(piece);
      },
    }),
  );
  const onBytes = (n: number) => {
    report.bytesOut += n;
  };
  if (target === '-') {
    await counted.pipeThrough(transform).pipeTo(coalescingSink(writeStdout, onBytes));
    return report;
  }
  const finalPath = resolve(target);
  const tmp = join(
    dirname(finalPath),
    `.${basename(finalPath)}.${randomBytes(6).toString('hex')}.coffer-tmp`,
  );
  const fh = await open(tmp, 'wx', 0o600);
  const cleanupOnSignal = () => {
    void rm(tmp, { force: true }).finally(() => process.exit(130));
  };
  process.once('SIGINT', cleanupOnSignal);
  process.once('SIGTERM', cleanupOnSignal);
  try {
    await counted.pipeThrough(transform).pipeTo(coalescingSink((b) => writeAll(fh, b), onBytes));
    await fh.sync();
    await fh.close();
    await rename(tmp, finalPath);
    return report;
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  } finally {
    process.off('SIGINT', cleanupOnSignal);
    process.off('SIGTERM', cleanupOnSignal);
  }
}
