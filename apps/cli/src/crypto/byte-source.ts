/**
 * Where `encrypt`, `decrypt` and `get --out` read their bytes: a file (large
 * reads into two reused buffers, the next read already running while the
 * current piece is processed), stdin, or a web stream from the SDK. No Node
 * stream ↔ web stream adapter sits in between: each copied every piece and
 * cost more than the encryption itself.
 */
import { type FileHandle, open, stat } from 'node:fs/promises';
import { CliError } from '../cli/exit-codes.ts';

/** File reads are this large: few syscalls, little memory. */
export const READ_BLOCK = 1 << 20;

/**
 * Pieces of input in order. A piece returned by `next()` stays valid only
 * until `next()` is called again (a file source reads into reused buffers),
 * so the consumer must be done with it (or have copied it) by then.
 */
export interface ByteSource {
  /** Total size when known (a file), for progress. */
  readonly size: number | undefined;
  /** Pieces are views of reused buffers (copy one to keep it past the next `next()`). */
  readonly reusesBuffers: boolean;
  /** The next piece, or `undefined` at the end. */
  next(): Promise<Uint8Array | undefined>;
  /** Release the file handle (idempotent; also after an error). */
  close(): Promise<void>;
}

/** Open `path` for reading (`-` is stdin). A missing file is exit 4, a directory a usage error. */
export async function openByteSource(path: string): Promise<ByteSource> {
  if (path === '-') return streamSource(process.stdin, undefined);
  let size: number;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new CliError('usage', 'is_directory', `${path} is a directory`);
    size = s.size;
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError('notFound', 'file_not_found', `cannot read ${path}: no such file`);
  }
  return fileSource(await open(path, 'r'), size);
}

function fileSource(fh: FileHandle, size: number): ByteSource {
  const buffers = [Buffer.allocUnsafeSlow(READ_BLOCK), Buffer.allocUnsafeSlow(READ_BLOCK)];
  let turn = 0;
  let closed = false;
  const readInto = async (buffer: Buffer): Promise<Uint8Array | undefined> => {
    // A regular file returns full reads until its end; a short read is not the end.
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await fh.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return filled === 0 ? undefined : buffer.subarray(0, filled);
  };
  let ahead: Promise<Uint8Array | undefined> | undefined = readInto(buffers[0]!);
  // The read-ahead may fail before anyone awaits it; next() rethrows it.
  ahead.catch(() => {});
  return {
    size,
    reusesBuffers: true,
    async next() {
      if (ahead === undefined) return undefined;
      const piece = await ahead;
      if (piece === undefined) {
        ahead = undefined;
        return undefined;
      }
      // The caller is done with the other buffer (contract of next()): read into it now.
      turn ^= 1;
      ahead = readInto(buffers[turn]!);
      ahead.catch(() => {});
      return piece;
    },
    async close() {
      if (closed) return;
      closed = true;
      // Let a running read finish before closing its handle.
      await ahead?.catch(() => {});
      ahead = undefined;
      await fh.close();
    },
  };
}

/** A Node readable (stdin) or a web ReadableStream: both are async iterables of owned pieces. */
export function streamSource(
  stream: AsyncIterable<Uint8Array> & { destroy?: () => void },
  size: number | undefined,
): ByteSource {
  const it = stream[Symbol.asyncIterator]();
  let done = false;
  return {
    size,
    reusesBuffers: false,
    async next() {
      if (done) return undefined;
      const r = await it.next();
      if (r.done === true) {
        done = true;
        return undefined;
      }
      return r.value;
    },
    async close() {
      if (done) return;
      done = true;
      await it.return?.();
    },
  };
}

/** `head` first, then the rest of `source` (which must not have been read past `head`). */
export function prependSource(head: Uint8Array, source: ByteSource): ByteSource {
  let first: Uint8Array | undefined = head;
  return {
    size: source.size,
    reusesBuffers: source.reusesBuffers,
    next() {
      if (first === undefined) return source.next();
      const piece = first;
      first = undefined;
      return Promise.resolve(piece);
    },
    close: () => source.close(),
  };
}
