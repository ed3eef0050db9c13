/**
 * The file sink for large outputs: pieces are copied on arrival into BUFFERS
 * page-aligned buffers of WRITE_BATCH bytes, and each full buffer goes out
 * with one positional write while the others fill, so up to BUFFERS - 1
 * writes are queued on libuv threads and the thread writing never waits for
 * the main thread to hand it the next batch.
 *
 * Why copy (about 0.1 CPU-s per GiB on the main thread) instead of writing
 * the cipher's own pieces: a piece waiting in a write queue outlives the
 * young-generation scavenges (young-gc.ts) and is promoted, and only a full
 * mark-compact frees it. With three batches of pieces queued, a 1 GiB decrypt
 * ran 25-49 mark-compacts instead of 1 and 0.4-0.9 s more user CPU; copied,
 * every piece dies young, the buffers are reused (memory stays bounded and
 * warm), and each write is one contiguous buffer.
 *
 * Through the page cache (the default) or around it (O_DIRECT, opt-in, see
 * file-io.ts). Through it, every range that a background fdatasync has made
 * durable is then dropped from the page cache (native/page-cache.c,
 * POSIX_FADV_DONTNEED; only clean pages go, so no data is at risk), as
 * `dd oflag=nocache` does:
 * - the pages freed are reused, still warm, by the next writes. Writing
 *   1 GiB into pages never touched before costs this VM 1.1-2.6 CPU-s of
 *   kernel copy (each first touch is a host fault: the VM hands free memory
 *   back to its host); `dd` of the same file at the same point paid the
 *   same. With the drop: 1 GiB decrypt 330 -> 603 MB/s in one bench run.
 * - a 1 GiB output no longer evicts 1 GiB of the user's cached files.
 * The cost: reading the output right after reads it from the disk.
 * A direct write hands the device the process's own pages (0.1-0.2 CPU-s)
 * but waits for the device, 330-580 MB/s here.
 *
 * O_DIRECT wants every write's memory address, file offset and length
 * aligned (512 bytes here). The buffers are carved from one
 * WebAssembly.Memory, whose backing store V8 allocates page-aligned. The
 * final partial buffer's aligned part is written directly and the last
 * < 512 bytes through a second, ordinary handle on the same file. Any write
 * the kernel refuses (EINVAL: unaligned memory, a file system that accepted
 * the flag at open but not the write) is redone, and every later one done,
 * through that ordinary handle: O_DIRECT only ever makes it faster.
 * Durability is the caller's: fsync of either handle syncs the file.
 */
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { ByteSink } from './byte-sink.ts';
import { dropCachedRange } from './page-cache.ts';

/** Bytes per write: few syscalls, several in flight, bounded memory. */
const WRITE_BATCH = 4 << 20;
const BUFFERS = 3;
/**
 * Largest single write through the page cache. The kernel sizes its
 * page-cache folios to the write (ext4 large folios, Linux 6.x), and large
 * ones come from the high-order free blocks that a VM reports back to its
 * host (free page reporting, 8 MiB blocks here), so each first touch is a
 * host fault. Measured here after 5 s idle, 1 GiB written from one reused
 * buffer (kernel CPU): 4 MiB writes 1.39-1.43 s, 1 MiB 0.63-0.71 s,
 * 512 KiB 0.29-0.31 s, 256 KiB 0.32-0.34 s, 128 KiB 0.39-0.43 s, 64 KiB
 * 0.53-0.60 s. A writev of 4 MiB in 16 KiB pieces is one 4 MiB write to
 * the kernel. Direct writes keep whole buffers (no page cache involved).
 */
const PAGE_CACHE_WRITE = 512 << 10;
/** O_DIRECT alignment of offsets and lengths (the logical block size; 4096 covers 512 and 4096). */
const ALIGN = 4096;
const WASM_PAGE = 64 * 1024;
/**
 * Written bytes wait in the page cache (buffered) or in the disk's, or the VM
 * host's, volatile cache (direct), and the final fsync must flush them:
 * measured here, 0.2-0.7 s for 512 MiB written at once. A background
 * fdatasync every this many bytes flushes them while the cipher works, so the
 * final one waits for the tail (the kernel's own writeback would start only
 * at its dirty threshold, gigabytes on this machine).
 */
const SYNC_EVERY_DIRECT = 32 << 20;
const SYNC_EVERY_BUFFERED = 16 << 20;

export interface FileTarget {
  sink: ByteSink;
  /** fsync the file (data and size), after `sink.end()`. */
  sync(): Promise<void>;
  /** Close both handles (idempotent; also after an error). */
  close(): Promise<void>;
}

/**
 * Create `path` (exclusively, mode 0600) and return its sink. `direct`:
 * write around the page cache where the platform and file system allow it
 * (otherwise through it). `afterBatch` runs once per batch, when it is handed
 * to the kernel (its pieces were copied and dropped already).
 */
export async function openFileTarget(
  path: string,
  afterBatch: (bytes: number) => void,
  direct: boolean,
): Promise<FileTarget> {
  const opened = direct ? await openDirect(path) : undefined;
  const plain = opened?.plain ?? (await open(path, 'wx', 0o600));
  const fh = opened?.direct ?? plain;
  let directOk = opened !== undefined;
  let closed = false;
  const SYNC_EVERY = directOk ? SYNC_EVERY_DIRECT : SYNC_EVERY_BUFFERED;

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
      const length = Math.min(PAGE_CACHE_WRITE, bytes.length - done);
      done += (await plain.write(bytes, done, length, position + done)).bytesWritten;
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
  // Buffered writes settle in file order (one at a time, see `submit`), so
  // [0, writtenTo) is written; [0, dropped) was synced, then dropped from the
  // page cache (see the file comment).
  let writtenTo = 0;
  let dropped = 0;
  /** Drop [dropped, to) from the page cache: a hint, never a failure of the transfer. */
  const dropSynced = (to: number): void => {
    // An error may have ended the transfer (and closed the handle) while the sync ran.
    if (closed || plain.fd < 0) return;
    dropCachedRange(plain.fd, dropped, to - dropped);
    dropped = to;
  };
  const written = (length: number): void => {
    unsynced += length;
    writtenTo += length;
    if (unsynced < SYNC_EVERY || syncing !== undefined) return;
    unsynced = 0;
    const syncedTo = writtenTo;
    syncing = fh.datasync().then(
      () => {
        syncing = undefined;
        if (!directOk) dropSynced(syncedTo);
      },
      (error: unknown) => {
        syncing = undefined;
        failure ??= { error };
      },
    );
  };

  // Buffered writes go one at a time (the main thread still fills the other
  // buffers meanwhile). ext4 takes the inode's lock exclusively for a
  // buffered write, and a second libuv thread writing the same file spins on
  // it: perf of a 1 GiB decrypt showed 15 % of all CPU in rwsem_spin_on_owner,
  // a core taken from the cipher. Direct writes keep running side by side.
  let lastBuffered: Promise<void> | undefined;
  const submit = (buffer: Buffer, length: number): void => {
    const at = position;
    position += length;
    afterBatch(length);
    const aligned = length - (length % ALIGN);
    const before = directOk ? undefined : lastBuffered;
    const writing = (async () => {
      // The earlier write's failure is reported by its own promise.
      if (before) await before.catch(() => {});
      await writeAt(buffer.subarray(0, aligned), at);
      if (aligned < length) await writeAt(buffer.subarray(aligned, length), at + aligned);
    })();
    if (!directOk) lastBuffered = writing;
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
      await Promise.allSettled(fh === plain ? [fh.close()] : [fh.close(), plain.close()]);
    },
  };
}

/**
 * Create `path` with O_DIRECT plus an ordinary handle on it, or undefined
 * when this platform or file system refuses the flag (nothing is created).
 */
async function openDirect(
  path: string,
): Promise<{ direct: FileHandle; plain: FileHandle } | undefined> {
  const flag = constants.O_DIRECT;
  if (flag === undefined) return undefined;
  let direct: FileHandle;
  try {
    direct = await open(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | flag,
      0o600,
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EINVAL') return undefined;
    throw e;
  }
  try {
    return { direct, plain: await open(path, 'r+') };
  } catch (e) {
    await direct.close();
    throw e;
  }
}
