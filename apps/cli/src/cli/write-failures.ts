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
}

export function watchWriteFailures(stream: Writable): WriteFailureWatch {
  let failure: NodeJS.ErrnoException | undefined;
  // The listener also keeps an output error from crashing the process.
  stream.on('error', (e: NodeJS.ErrnoException) => {
    failure ??= e;
  });
  return {
    async settle() {
      // Errors of synchronous writes are emitted on the next tick; one turn
      // of the event loop delivers them.
      await new Promise((resolve) => setImmediate(resolve));
      // EPIPE: the reader went away (`coffer get … | head -c 10`); what it
      // read is what it wanted, as with any Unix tool.
      return failure?.code === 'EPIPE' ? undefined : failure;
    },
  };
}

/**
 * True for EPIPE anywhere in a cause chain: the reader of stdout went away
 * while a command was still writing (`coffer decrypt f - | head -c 10`).
 * Like any Unix tool, coffer then stops quietly: what the reader took is what
 * it wanted, and nothing on this side is lost or left half-written.
 */
export function isBrokenPipe(e: unknown): boolean {
  for (let at = e, depth = 0; at instanceof Error && depth < 8; at = at.cause, depth++) {
    if ((at as NodeJS.ErrnoException).code === 'EPIPE') return true;
  }
  return false;
}
