/**
 * Where pulled envelopes are opened. The default opens them in this thread;
 * Node clients get a small worker pool (`node-open-pool.ts`) so decryption
 * runs beside fetching, JSON parsing and the store's writes.
 */
import type { VaultKeyring } from '../vault/keyring.ts';
import { type OpenJob, type OpenKeys, type OpenOutcome, openRecordBatch } from './open-records.ts';

/** Opens batches of pulled envelopes (see {@link openRecordBatch}). */
export interface RecordOpener {
  open(
    keys: OpenKeys,
    jobs: ReadonlyArray<OpenJob>,
  ): Promise<{ outcomes: OpenOutcome[]; envelopes: Array<Uint8Array | undefined> }>;
  /** Release threads (the client's close). */
  close?(): void;
}

/** The keyring's parts that opening needs (no name key). */
export function openKeysOf(ring: VaultKeyring): OpenKeys {
  return {
    vaultIdBytes: ring.vaultIdBytes,
    keys: ring.keys,
    currentEpoch: ring.current.epoch,
    signers: ring.signers,
  };
}

/**
 * Opens in the calling thread.
 *
 * @example
 * const { outcomes } = await inThreadOpener.open(openKeysOf(ring), jobs);
 */
export const inThreadOpener: RecordOpener = { open: openRecordBatch };
