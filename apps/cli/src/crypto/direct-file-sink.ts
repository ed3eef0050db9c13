/**
 * A file sink that writes around the page cache (O_DIRECT) where the file
 * system allows it; opt-in (COFFER_DIRECT_IO=1, see file-io.ts). A buffered write of 1 GiB costs this machine 1.2-2 CPU
 * seconds of kernel memcpy into the page cache plus the writeback before the
 * final fsync, on a libuv thread competing with the cipher for the 2 cores;
 * a direct write hands the device the process's own pages (0.1-0.2 CPU s).
 *
 * O_DIRECT wants every write's memory address, file offset and length
 * aligned (512 bytes here). Pieces are copied on arrival into BUFFERS
 * buffers of WRITE_BATCH bytes carved from one WebAssembly.Memory, whose
 * backing store V8 allocates page-aligned; each full buffer goes out with one
 * positional write while the others fill, so up to BUFFERS - 1 writes are in
 * flight at once. The final partial buffer's aligned part is written directly
 * and the last < 512 bytes through a second, ordinary handle on the same file.
 * Any write the kernel refuses (EINVAL: unaligned memory, a file system that
 * accepted the flag at open but not the write) is redone, and every later one
 * done, through that ordinary handle: O_DIRECT only ever makes it faster.
 * Durability is the caller's: fsync of either handle syncs the file.
 */
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { ByteSink } from './byte-sink.ts';

/** Bytes per write: few syscalls, several in flight, bounded memory. */
const WRITE_BATCH = 4 << 20;
const BUFFERS = 3;
/** O_DIRECT alignment of offsets and lengths (the logical block size; 4096 covers 512 and 4096). */
const ALIGN = 4096;
const WASM_PAGE = 64 * 1024;
/**
 * Direct writes skip the page cache but may still sit in the disk's (or the
 * VM host's) volatile cache, which the final fsync must flush: measured here,
 * 0.2-0.7 s for 512 MiB written at once. A background fdatasync every this
 * many bytes flushes it while the cipher works, so the final one waits for the tail.
 */
const SYNC_EVERY = 32 << 20;

export interface DirectFileTarget {
  sink: ByteSink;
  /** fsync the file (data and size), after `sink.end()`. */
  sync(): Promise<void>;
  /** Close both handles (idempotent; also after an error). */
  close(): Promise<void>;
}

/**
 * Create `path` (exclusively, mode 0600) for direct writes, or return
 * undefined when this platform or file system refuses O_DIRECT (the caller
 * then writes through the page cache). `afterBatch` runs once per batch.
 */
export async function openDirectFileTarget(
  path: string,
  afterBatch: (bytes: number) => void,
): Promise<DirectFileTarget | undefined> {
  const direct = constants.O_DIRECT;
  if (direct === undefined) return undefined;
  let fh: FileHandle;
  try {
    fh = await open(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | direct,
      0o600,
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EINVAL') return undefined;
    throw e;
  }
  let plain: FileHandle;
  try {
    plain = await open(path, 'r+');
  } catch (e) {
    await fh.close();
    throw e;
  }
  let directOk = true;

  /** Write all of `bytes` at `position`, directly while the kernel accepts it. */
  const writeAt = async (bytes: Uint8Array, position: number): Promise<void> => {
    let done = 0;
    if (directOk && bytes.length % ALIGN === 0 && bytes.length > 0) {
      try {
        done = (await fh.write(bytes, 0, bytes.length, position)).bytesWritten;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EINVAL') throw e;
        directOk = false;
      }
    }
    while (done < bytes.length) {
      done += (await plain.write(bytes, done, bytes.length - done, position + done)).bytesWritten;
    }
  };

  const memory = new WebAssembly.Memory({ initial: (BUFFERS * WRITE_BATCH) / WASM_PAGE });
  const free: Buffer[] = [];
  for (let i = 0; i < BUFFERS; i++)
    free.push(Buffer.from(memory.buffer, i * WRITE_BATCH, WRITE_BATCH));
  let current: Buffer | undefined;
  let filled = 0;
  let position = 0;
  let bytes = 0;
  // Writes settle in any order (they are positional); the first failure is kept.
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let returned: (() => void) | undefined;
  let unsynced = 0;
  let syncing: Promise<void> | undefined;
  const written = (length: number): void => {
    unsynced += length;
    if (unsynced < SYNC_EVERY || syncing !== undefined) return;
    unsynced = 0;
    syncing = fh.datasync().then(
      () => {
        syncing = undefined;
      },
      (error: unknown) => {
        syncing = undefined;
        failure ??= { error };
      },
    );
  };

  const submit = (buffer: Buffer, length: number): void => {
    const at = position;
    position += length;
    afterBatch(length);
    const aligned = length - (length % ALIGN);
    const writing = (async () => {
      await writeAt(buffer.subarray(0, aligned), at);
      if (aligned < length) await writeAt(buffer.subarray(aligned, length), at + aligned);
    })();
    const settled = writing.then(
      () => {
        free.push(buffer);
        written(length);
      },
      (error: unknown) => {
        failure ??= { error };
      },
    );
    inFlight.add(settled);
    void settled.finally(() => {
      inFlight.delete(settled);
      returned?.();
    });
  };

  const copy = async (piece: Uint8Array, from: number): Promise<void> => {
    let offset = from;
    while (offset < piece.length) {
      if (failure) throw failure.error;
      if (current === undefined) {
        current = free.pop();
        if (current === undefined) {
          await new Promise<void>((resolve) => {
            returned = resolve;
          });
          returned = undefined;
          continue;
        }
      }
      const n = Math.min(WRITE_BATCH - filled, piece.length - offset);
      current.set(n === piece.length ? piece : piece.subarray(offset, offset + n), filled);
      filled += n;
      offset += n;
      if (filled === WRITE_BATCH) {
        submit(current, filled);
        current = undefined;
        filled = 0;
      }
    }
  };

  let closed = false;
  return {
    sink: {
      get bytes() {
        return bytes;
      },
      push(piece) {
        if (piece.length === 0) return undefined;
        bytes += piece.length;
        // The common case (a free buffer with room) copies synchronously: no promise.
        if (failure === undefined && current !== undefined && filled + piece.length < WRITE_BATCH) {
          current.set(piece, filled);
          filled += piece.length;
          return undefined;
        }
        return copy(piece, 0);
      },
      async end() {
        if (current !== undefined && filled > 0) submit(current, filled);
        current = undefined;
        filled = 0;
        while (inFlight.size > 0) await Promise.all(inFlight);
        await syncing;
        if (failure) throw failure.error;
      },
    },
    sync: () => fh.sync(),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...inFlight, syncing]);
      await Promise.allSettled([fh.close(), plain.close()]);
    },
  };
}
