// A download destination for tests that keeps what reached it and how it ended.
import type { SaveTarget } from '../src/components/file-save.ts';

/** A Blob-kind {@link SaveTarget} that records every piece (copied) and whether it closed, aborted or finished. */
export function recordingTarget() {
  const got: Uint8Array[] = [];
  const state = { closed: false, aborted: false, finished: false };
  const target: SaveTarget = {
    kind: 'blob',
    stream: new WritableStream<Uint8Array>({
      write(piece) {
        got.push(piece.slice());
      },
      close() {
        state.closed = true;
      },
      abort() {
        state.aborted = true;
      },
    }),
    finish() {
      state.finished = true;
    },
  };
  /** Everything written, as one array. */
  const data = () => new Uint8Array(got.flatMap((p) => [...p]));
  return { target, got, state, data };
}
