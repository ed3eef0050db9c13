/**
 * The body of a Node worker thread that seals or opens batches of full
 * Cobblestone-256 chunks (16 KiB plaintext, 16 400 bytes sealed) for
 * {@link ./chunk-workers.ts}. It is a string run with `new Worker(source,
 * { eval: true })` so that no extra file has to ship beside the bundle and
 * the same code runs from source (vitest) and from `dist`. It must stay plain
 * JavaScript that runs as a script or as an ES module (no require, no import)
 * and needs only node:crypto and node:worker_threads.
 *
 * Protocol, one message per batch:
 *   in (on the worker's own port):
 *        { id, open, key (32), nonce (12), counter, count, input, state }
 *   out (on `workerData.results`, a MessagePort the calling thread can read
 *        synchronously, since a stream running on microtasks may not yield
 *        to the event loop for a long time):
 *        { id, pieces, verified } or { id, skipped: true }
 * `input` and `state` are SharedArrayBuffers owned and reused by the calling
 * thread (no allocation per batch for input). The worker claims the batch by
 * moving state[0] from 0 to 1; if the calling thread got there first (it
 * takes over batches that a busy worker has not started), the worker skips
 * it. `pieces` is the batch's output in order, as ArrayBuffers TRANSFERRED to
 * the calling thread: the buffers node:crypto returned (a sealed chunk's
 * ciphertext, or an opened chunk's plaintext) and, when sealing, one buffer of
 * all the tags. Nothing is copied: every copy costs fresh memory on one side
 * (measured ~0.5 ms per MiB in page faults and freeing, half a core at 1 GB/s).
 * `verified` counts the leading chunks that were sealed or authenticated;
 * the plaintext of a chunk that failed is wiped and never sent.
 * Nonce: baseNonce XOR the big-endian chunk counter in its last 8 bytes,
 * exactly as in nonce.ts (the same Wycheproof vectors test both).
 */
export const CHUNK_WORKER_SOURCE = `
'use strict';
// getBuiltinModule, not require: eval'd worker code runs as an ES module when
// the process was started with --input-type=module (workers inherit execArgv).
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const results = workerData.results;
const crypto = process.getBuiltinModule('node:crypto');
const CHUNK = 16384;
const TAG = 16;
const SEALED = CHUNK + TAG;
const GCM = { authTagLength: TAG };
const nonce = new Uint8Array(12);
const view = new DataView(nonce.buffer);
// A buffer node:crypto returned normally owns its whole ArrayBuffer and can be
// transferred as is; anything else (never seen) is copied into one that does.
const own = (bytes) =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes.buffer
    : new Uint8Array(bytes).buffer;
parentPort.on('message', (job) => {
  if (Atomics.compareExchange(new Int32Array(job.state), 0, 0, 1) !== 0) {
    job.key.fill(0);
    results.postMessage({ id: job.id, skipped: true });
    return;
  }
  let key = crypto.createSecretKey(job.key);
  job.key.fill(0);
  nonce.set(job.nonce);
  const high = view.getUint32(4);
  const low = view.getUint32(8);
  const input = new Uint8Array(job.input);
  const pieces = [];
  const tags = job.open ? undefined : new Uint8Array(job.count * TAG);
  let verified = 0;
  for (let i = 0; i < job.count; i++) {
    const counter = job.counter + i;
    view.setUint32(4, high ^ Math.floor(counter / 0x100000000));
    view.setUint32(8, low ^ (counter % 0x100000000));
    if (job.open) {
      const at = i * SEALED;
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonce, GCM);
      decipher.setAuthTag(input.subarray(at + CHUNK, at + SEALED));
      const plaintext = decipher.update(input.subarray(at, at + CHUNK));
      try {
        decipher.final();
      } catch {
        // Not authentic: never sent, and wiped.
        plaintext.fill(0);
        break;
      }
      pieces.push(own(plaintext));
    } else {
      const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce, GCM);
      pieces.push(own(cipher.update(input.subarray(i * CHUNK, (i + 1) * CHUNK))));
      cipher.final();
      tags.set(cipher.getAuthTag(), i * TAG);
    }
    verified++;
  }
  key = undefined;
  if (tags) pieces.push(tags.buffer);
  results.postMessage({ id: job.id, pieces, verified }, pieces);
});
`;
