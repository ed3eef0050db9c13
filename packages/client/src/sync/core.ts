/**
 * Wires the sync pieces together: context, engine, records and conflicts
 * APIs, observable state. The public client adds accounts and vaults on top;
 * tests build a core directly with an injected keyring and transport.
 */

import { BlobsApi } from '../blobs/blobs-api.ts';
import { ConflictsApi } from '../records/conflicts-api.ts';
import type { Author } from '../records/record-crypto.ts';
import { RecordsApi } from '../records/records-api.ts';
import { SyncStateStore } from '../state/state-store.ts';
import type { LocalStore } from '../store/types.ts';
import type { Transport } from '../transport/transport.ts';
import { type Clock, type RandomSource, systemClock, systemRandom } from '../util/env.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.ts';
import type { MergeFunction } from './conflict.ts';
import type { SyncContext } from './context.ts';
import { SyncEngine } from './engine.ts';
import { inThreadOpener, type RecordOpener } from './record-opener.ts';

/** Inputs of {@link createSyncCore}. */
export interface SyncCoreOptions {
  store: LocalStore;
  transport: Transport;
  keyring: SyncContext['keyring'];
  author?: () => Author | undefined;
  merge?: MergeFunction<unknown>;
  clock?: Clock;
  random?: RandomSource;
  backoff?: BackoffPolicy;
  pushBatch?: number;
  pullPage?: number;
  /** Where pulled envelopes are opened (default: this thread). */
  opener?: RecordOpener;
  /** Called for every error event (also kept in the state snapshot). */
  onError?: (event: { code: string; message: string; vaultId?: string; recordId?: string }) => void;
}

/** The assembled sync core. */
export interface SyncCore {
  ctx: SyncContext;
  engine: SyncEngine;
  records: RecordsApi;
  conflicts: ConflictsApi;
  blobs: BlobsApi;
  state: SyncStateStore;
}

/** Assemble a sync core. */
export function createSyncCore(options: SyncCoreOptions): SyncCore {
  const state = new SyncStateStore();
  const clock = options.clock ?? systemClock;
  const ctx: SyncContext = {
    store: options.store,
    transport: options.transport,
    state,
    clock,
    random: options.random ?? systemRandom,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    keyring: options.keyring,
    opener: options.opener ?? inThreadOpener,
    author: options.author ?? (() => undefined),
    merge: options.merge,
    pushBatch: options.pushBatch ?? 200,
    pullPage: options.pullPage ?? 1000,
    report(code, message, where = {}) {
      const event = { code, message, at: clock.now(), ...pick(where) };
      state.reportError(event);
      options.onError?.(event);
    },
    async refreshCounts() {
      const [pending, conflicts] = await Promise.all([
        options.store.countOutbox(),
        options.store.listConflicts().then((c) => c.length),
      ]);
      state.update({ pending, conflicts });
    },
  };
  const engine = new SyncEngine(ctx);
  const records = new RecordsApi(ctx, engine);
  return {
    ctx,
    engine,
    records,
    conflicts: new ConflictsApi(ctx, engine),
    blobs: new BlobsApi(ctx, records),
    state,
  };
}

function pick(where: { vaultId?: string; recordId?: string }) {
  const out: { vaultId?: string; recordId?: string } = {};
  if (where.vaultId) out.vaultId = where.vaultId;
  if (where.recordId) out.recordId = where.recordId;
  return out;
}

export type { VaultKeyring };
