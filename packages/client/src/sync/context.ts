import type { Author } from '../records/record-crypto.ts';
import type { SyncStateStore } from '../state/state-store.ts';
import type { LocalStore } from '../store/types.ts';
import type { Transport } from '../transport/transport.ts';
import type { Clock, RandomSource } from '../util/env.ts';
import type { VaultKeyring } from '../vault/keyring.ts';
import type { BackoffPolicy } from './backoff.ts';
import type { MergeFunction } from './conflict.ts';
import type { RecordOpener } from './record-opener.ts';

/** Everything push and pull need; built once by the client. */
export interface SyncContext {
  store: LocalStore;
  transport: Transport;
  state: SyncStateStore;
  clock: Clock;
  random: RandomSource;
  backoff: BackoffPolicy;
  /** The vault's keyring; `refresh` re-fetches grants (after a rotation). */
  keyring(vaultId: string, options?: { refresh?: boolean }): Promise<VaultKeyring>;
  /** Opens pulled envelopes (in this thread, or on Node's worker pool). */
  opener: RecordOpener;
  /** This account's signing identity, if logged in. */
  author(): Author | undefined;
  /** App merge function over JSON values (default: newest edit wins). */
  merge?: MergeFunction<unknown> | undefined;
  /** Mutations per push and changes per pull page. */
  pushBatch: number;
  pullPage: number;
  /** Report a problem as an error event (never thrown from background sync). */
  report(code: string, message: string, where?: { vaultId?: string; recordId?: string }): void;
  /** Refresh the observable counters (pending outbox, conflicts). */
  refreshCounts(): Promise<void>;
}
