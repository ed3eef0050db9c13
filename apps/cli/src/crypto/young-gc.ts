/**
 * Frees the cipher's output buffers early. node:crypto returns every sealed
 * or opened 16 KiB chunk in a fresh buffer outside the V8 heap; their small
 * JS wrappers die young, but a stream allocates so little on the V8 heap
 * that V8 hardly ever scavenges during it, and reclaims the buffers only when
 * their external bytes trigger a full mark-compact: about 30 per GiB, each
 * after 30-60 MiB of dead buffers piled up (that pile was most of the peak
 * RSS), with concurrent marking competing with the cipher and the disk for
 * the 2 cores. A scavenge of a nearly empty young generation costs well under
 * a millisecond and frees every buffer that died since the last one, so the
 * byte sink asks for one after every few MiB written, once the written pieces
 * are dropped: a piece then survives at most one scavenge and is never
 * promoted to the old generation (where only a mark-compact would free it).
 *
 * `gc` is exposed at run time (the bin is started as plain `node`, so no
 * command-line flag) and only once a transfer has written GC_EVERY bytes: a
 * small file never pays for it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options: { type: 'minor' | 'major' }) => void;

let gc: Gc | null | undefined;

function exposedGc(): Gc | null {
  if (gc !== undefined) return gc;
  try {
    setFlagsFromString('--expose-gc');
    // The flag applies to contexts created after it: a new context carries `gc`.
    const candidate: unknown = runInNewContext('gc');
    gc = typeof candidate === 'function' ? (candidate as Gc) : null;
  } catch {
    gc = null;
  }
  return gc;
}

/** A callback counting written bytes that scavenges the young generation every `everyBytes`. */
export function createYoungGc(everyBytes: number): (bytes: number) => void {
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < everyBytes) return;
    since = 0;
    exposedGc()?.({ type: 'minor' });
  };
}
