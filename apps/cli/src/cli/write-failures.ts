/**
 * A failed write to stdout (a full disk behind `coffer get … > file`, a
 * device error) is not thrown by `write()`: the stream reports it with an
 * 'error' event on a later tick, after which the process may already have
 * exited 0 with the output lost. This watches a stream from the start so
 * that the command can end with the failure instead.
 */
import type { Writable } from 'node:stream';

export interface WriteFailureWatch {
  /** The first write error, once every error already raised has been delivered; EPIPE excluded. */
  settle(): Promise<NodeJS.ErrnoException | undefined>;
  /** True once this stream's reader has gone away (EPIPE on it), after pending errors are delivered. */
  readerGone(): Promise<boolean>;
}

export function watchWriteFailures(stream: Writable): WriteFailureWatch {
  let failure: NodeJS.ErrnoException | undefined;
  // The listener also keeps an output error from crashing the process.
  stream.on('error', (e: NodeJS.ErrnoException) => {
    failure ??= e;
  });
  // Errors of synchronous writes are emitted on the next tick; one turn of
  // the event loop delivers them.
  const delivered = () => new Promise((resolve) => setImmediate(resolve));
  return {
    async settle() {
      await flushed(stream);
      await delivered();
      // EPIPE: the reader went away (`coffer get … | head -c 10`); what it
      // read is what it wanted, as with any Unix tool.
      return failure?.code === 'EPIPE' ? undefined : failure;
    },
    async readerGone() {
      await delivered();
      return failure?.code === 'EPIPE';
    },
  };
}

/**
 * Resolves once every write already made to `stream` has reached the OS (or
 * failed). Writes to a pipe are asynchronous in Node: the bin's
 * `process.exit` right after the last write cut `coffer get … | cmd` off at
 * the pipe's 64 KiB buffer, with exit 0. Write callbacks run in order, so the
 * callback of an empty write comes after every earlier write.
 */
export function flushed(stream: Writable): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed || stream.writableEnded)
    return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.once('close', done);
    // Also a listener, so that a failing stream (stderr has no other) does not crash the process.
    stream.once('error', done);
    stream.write('', () => done());
  });
}

/**
 * True for EPIPE anywhere in a cause chain. Only together with
 * {@link WriteFailureWatch.readerGone} of stdout does it mean the reader of
 * the output went away (`coffer decrypt f - | head -c 10`), and coffer stops
 * quietly like any Unix tool; an EPIPE of a socket is a network failure.
 */
export function isBrokenPipe(e: unknown): boolean {
  for (let at = e, depth = 0; at instanceof Error && depth < 8; at = at.cause, depth++) {
    if ((at as NodeJS.ErrnoException).code === 'EPIPE') return true;
  }
  return false;
}
