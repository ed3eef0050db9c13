/**
 * The body of a Node worker thread that seals or opens batches of full
 * Cobblestone-256 chunks (16 KiB plaintext, 16 400 bytes sealed) for
 * {@link ./chunk-workers.ts}. It is a string run with `new Worker(source,
 * { eval: true })` so that no extra file has to ship beside the bundle and
 * the same code runs from source (vitest) and from `dist`. It must stay plain
 * CommonJS JavaScript that needs only node:crypto and node:worker_threads.
 *
 * Protocol, one message per batch:
 *   in:  { id, open, key (32), nonce (12), counter, count, input: ArrayBuffer }
 *   out: { id, output: ArrayBuffer, input: ArrayBuffer, verified }
 * `verified` counts the leading chunks that were sealed or authenticated;
 * when opening stops early, the output past them is zeros (the plaintext of
 * the chunk that failed never leaves the worker). Both buffers are transferred.
 * Nonce: baseNonce XOR the big-endian chunk counter in its last 8 bytes,
 * exactly as in nonce.ts (the same Wycheproof vectors test both).
 */
export const CHUNK_WORKER_SOURCE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const CHUNK = 16384;
const TAG = 16;
const SEALED = CHUNK + TAG;
const GCM = { authTagLength: TAG };
const nonce = new Uint8Array(12);
const view = new DataView(nonce.buffer);
parentPort.on('message', (job) => {
  const key = crypto.createSecretKey(job.key);
  nonce.set(job.nonce);
  const high = view.getUint32(4);
  const low = view.getUint32(8);
  const input = new Uint8Array(job.input);
  const output = new Uint8Array(job.count * (job.open ? CHUNK : SEALED));
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
        plaintext.fill(0);
        break;
      }
      output.set(plaintext, i * CHUNK);
    } else {
      const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce, GCM);
      output.set(cipher.update(input.subarray(i * CHUNK, (i + 1) * CHUNK)), i * SEALED);
      cipher.final();
      output.set(cipher.getAuthTag(), i * SEALED + CHUNK);
    }
    verified++;
  }
  parentPort.postMessage(
    { id: job.id, output: output.buffer, input: job.input, verified },
    [output.buffer, job.input],
  );
});
`;
