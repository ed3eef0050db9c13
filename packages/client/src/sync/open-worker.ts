/**
 * Worker thread of the Node open pool: opens batches of pulled envelopes
 * (see `open-records.ts`) and hands the decoded envelope bytes back packed
 * into one transferred buffer, so a page costs two messages and no copies
 * of 1 000 small arrays.
 */
import { parentPort } from 'node:worker_threads';
import type { OpenJob, OpenKeys } from './open-records.ts';
import { openRecordBatch } from './open-records.ts';

/** A batch request from the pool. */
export interface OpenRequest {
  id: number;
  keys: OpenKeys;
  jobs: OpenJob[];
}

parentPort?.on('message', async (request: OpenRequest) => {
  const { outcomes, envelopes } = await openRecordBatch(request.keys, request.jobs);
  let total = 0;
  for (const e of envelopes) total += e?.length ?? 0;
  const packed = new Uint8Array(total);
  // Offsets of each envelope in `packed`; -1: the armor did not decode.
  const offsets = new Int32Array(envelopes.length + 1);
  let at = 0;
  envelopes.forEach((e, i) => {
    offsets[i] = e ? at : -1;
    if (e) {
      packed.set(e, at);
      at += e.length;
    }
  });
  offsets[envelopes.length] = at;
  parentPort?.postMessage({ id: request.id, outcomes, packed, offsets }, [
    packed.buffer,
    offsets.buffer,
  ]);
});

parentPort?.postMessage('ready');
