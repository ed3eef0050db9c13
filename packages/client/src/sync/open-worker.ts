/**
 * Worker thread of the Node open pool: opens batches of pulled envelopes
 * (see `open-records.ts`) and hands the decoded envelope bytes back packed
 * into one transferred buffer, so a page costs two messages and no copies
 * of 1 000 small arrays (`open-batch-wire.ts`: the batch's shape both ways).
 */
import { parentPort } from 'node:worker_threads';
import { type PackedJobs, packOutcomes, unpackJobs } from './open-batch-wire.ts';
import { type OpenKeys, openPackedBatch } from './open-records.ts';

/** A batch request from the pool. */
export interface OpenRequest extends PackedJobs {
  id: number;
  keys: OpenKeys;
}

parentPort?.on('message', async (request: OpenRequest) => {
  const { outcomes, page } = await openPackedBatch(request.keys, unpackJobs(request));
  const { codes, times } = packOutcomes(outcomes);
  parentPort?.postMessage(
    { id: request.id, codes, times, packed: page.packed, offsets: page.offsets },
    [page.packed.buffer, page.offsets.buffer, codes.buffer, times.buffer] as ArrayBuffer[],
  );
});

parentPort?.postMessage('ready');
