/**
 * Worker thread of the Node open pool: opens batches of pulled envelopes
 * (see `open-records.ts`) and hands the decoded envelope bytes back packed
 * into one transferred buffer, so a page costs two messages and no copies
 * of 1 000 small arrays.
 */
import { parentPort } from 'node:worker_threads';
import { type OpenJob, type OpenKeys, openPackedBatch } from './open-records.ts';

/** A batch request from the pool. */
export interface OpenRequest {
  id: number;
  keys: OpenKeys;
  jobs: OpenJob[];
}

parentPort?.on('message', async (request: OpenRequest) => {
  const { outcomes, page } = await openPackedBatch(request.keys, request.jobs);
  parentPort?.postMessage(
    { id: request.id, outcomes, packed: page.packed, offsets: page.offsets },
    [page.packed.buffer, page.offsets.buffer] as ArrayBuffer[],
  );
});

parentPort?.postMessage('ready');
