/**
 * Where transformed bytes go: pieces are gathered (not copied) and written
 * with one `writev` per WRITE_BATCH bytes, one write in flight while the next
 * batch is gathered, so the disk and the cipher work at the same time.
 */
import type { FileHandle } from 'node:fs/promises';

/** Bytes gathered before a write: few syscalls, bounded memory (two batches at most). */
export const WRITE_BATCH = 4 << 20;
/** Below IOV_MAX (1024) with room to spare. */
const MAX_PIECES = 512;
/** Largest single write to a file: see PAGE_CACHE_WRITE in buffered-file-sink.ts (large writes get large, costly page-cache folios). */
const FILE_WRITE = 512 << 10;
/**
 * A file target is flushed to disk in the background every this many bytes,
 * so the final fsync (before the rename) waits for the tail only instead of
 * the whole file: the disk writes while the cipher works.
 */
const SYNC_EVERY = 16 << 20;

export interface ByteSink {
  /** Queue a piece the sink may keep (the producer never reuses it). */
  push(piece: Uint8Array): Promise<void> | undefined;
  /** Write everything still gathered and wait for every write (and background flush). */
  end(): Promise<void>;
  readonly bytes: number;
}

/** Write all of `pieces` (writev may write less than asked, like write). */
async function writevAll(fh: FileHandle, pieces: Uint8Array[]): Promise<void> {
  let rest = pieces;
  for (;;) {
    const total = rest.reduce((n, p) => n + p.length, 0);
    const { bytesWritten } = await fh.writev(rest);
    if (bytesWritten === total) return;
    let skip = bytesWritten;
    const left: Uint8Array[] = [];
    for (const p of rest) {
      if (skip >= p.length) skip -= p.length;
      else {
        left.push(skip > 0 ? p.subarray(skip) : p);
        skip = 0;
      }
    }
    rest = left;
  }
}

/** `pieces` in order, as groups of at most `max` bytes (a larger piece is cut). */
export function* groups(pieces: Uint8Array[], max: number): Generator<Uint8Array[]> {
  let group: Uint8Array[] = [];
  let size = 0;
  for (const piece of pieces) {
    for (let at = 0; at < piece.length; ) {
      const take = Math.min(max - size, piece.length - at);
      group.push(take === piece.length ? piece : piece.subarray(at, at + take));
      size += take;
      at += take;
      if (size === max) {
        yield group;
        group = [];
        size = 0;
      }
    }
  }
  if (group.length > 0) yield group;
}

function stdoutWrite(pieces: Uint8Array[]): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(Buffer.concat(pieces), (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * A sink writing to a file handle, or to stdout when `fh` is undefined.
 * `afterWrite` runs once a batch is written and its pieces are dropped.
 */
export function createByteSink(
  fh: FileHandle | undefined,
  afterWrite: (bytes: number) => void = () => {},
): ByteSink {
  let unsynced = 0;
  let syncing: Promise<void> | undefined;
  const toFile = async (file: FileHandle, pieces: Uint8Array[]): Promise<void> => {
    for (const group of groups(pieces, FILE_WRITE)) await writevAll(file, group);
    unsynced += pieces.reduce((n, p) => n + p.length, 0);
    if (unsynced >= SYNC_EVERY && syncing === undefined) {
      unsynced = 0;
      syncing = file.datasync().finally(() => {
        syncing = undefined;
      });
      syncing.catch(() => {});
    }
  };
  const write = fh === undefined ? stdoutWrite : (p: Uint8Array[]) => toFile(fh, p);
  let gathered: Uint8Array[] = [];
  let gatheredBytes = 0;
  let inFlight: Promise<void> | undefined;
  let bytes = 0;
  const flush = async (): Promise<void> => {
    // One write in flight: wait for the previous one before starting the next.
    if (inFlight) await inFlight;
    if (gathered.length === 0) return;
    const batch = gathered;
    const batchBytes = gatheredBytes;
    gathered = [];
    gatheredBytes = 0;
    inFlight = write(batch).then(() => {
      // A macrotask later: no frame of the write holds the batch any more.
      setImmediate(afterWrite, batchBytes);
    });
    // Seen by the next flush or by end(); never unhandled in between.
    inFlight.catch(() => {});
  };
  return {
    get bytes() {
      return bytes;
    },
    push(piece) {
      if (piece.length === 0) return undefined;
      gathered.push(piece);
      gatheredBytes += piece.length;
      bytes += piece.length;
      if (gatheredBytes >= WRITE_BATCH || gathered.length >= MAX_PIECES) return flush();
      return undefined;
    },
    async end() {
      await flush();
      await inFlight;
      await syncing;
    },
  };
}
