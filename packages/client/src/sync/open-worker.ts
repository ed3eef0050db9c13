/**
 * Worker thread of the Node open pool: opens batches of pulled envelopes
 * (see `open-records.ts`), received decoded and packed into one transferred
 * buffer, and moves that buffer back with the outcomes, so a page costs two
 * messages and no copies (`open-batch-wire.ts`: the batch's shape both ways).
 */
import { parentPort } from 'node:worker_threads';
import { type PackedJobs, packOutcomes } from './open-batch-wire.ts';
import { type OpenKeys, openDecoded } from './open-records.ts';

/** A batch request from the pool. */
export interface OpenRequest extends PackedJobs {
  id: number;
  keys: OpenKeys;
}

parentPort?.on('message', async (request: OpenRequest) => {
  const { id, keys, ids, packed, offsets } = request;
  const outcomes = await openDecoded(keys, ids, { packed, offsets });
  const { codes, times } = packOutcomes(outcomes);
  // The page's buffer goes back to the pool, which hands out views of it.
  parentPort?.postMessage({ id, codes, times, packed, offsets }, [
    packed.buffer,
    offsets.buffer,
    codes.buffer,
    times.buffer,
  ] as ArrayBuffer[]);
});

parentPort?.postMessage('ready');
