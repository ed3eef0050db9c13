/**
 * Observable sync state for UIs: a tiny external store with `subscribe` and
 * `getSnapshot` (works with React's useSyncExternalStore). Snapshots are
 * immutable; a new object is published on every change.
 */

/** A problem the SDK reports without throwing (sync runs in the background). */
export interface SyncErrorEvent {
  code: string;
  message: string;
  vaultId?: string;
  recordId?: string;
  at: number;
}

/** Progress of one blob upload or download. */
export interface TransferProgress {
  id: string;
  direction: 'upload' | 'download';
  done: number;
  total: number;
}

/** What a UI shows about synchronisation. */
export interface SyncSnapshot {
  /** `offline`: the last request could not reach the server. */
  connection: 'online' | 'offline' | 'unknown';
  /** A push or pull is running. */
  syncing: boolean;
  /** Local writes not yet acknowledged by the server. */
  pending: number;
  /** Time of the last complete pull (ms since epoch), or null. */
  lastSyncAt: number | null;
  /** Conflict copies waiting to be resolved. */
  conflicts: number;
  /** The most recent problems, newest last (bounded). */
  errors: ReadonlyArray<SyncErrorEvent>;
  transfers: ReadonlyArray<TransferProgress>;
}

const MAX_ERRORS = 50;

/**
 * The state container. `update` merges a patch and notifies subscribers.
 *
 * @example
 * const snapshot = useSyncExternalStore(client.state.subscribe, client.state.getSnapshot);
 */
export class SyncStateStore {
  #snapshot: SyncSnapshot = {
    connection: 'unknown',
    syncing: false,
    pending: 0,
    lastSyncAt: null,
    conflicts: 0,
    errors: [],
    transfers: [],
  };
  readonly #listeners = new Set<() => void>();
  #active = 0;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly getSnapshot = (): SyncSnapshot => this.#snapshot;

  update(patch: Partial<SyncSnapshot>): void {
    const next = { ...this.#snapshot, ...patch };
    const changed = (Object.keys(patch) as Array<keyof SyncSnapshot>).some(
      (k) => next[k] !== this.#snapshot[k],
    );
    if (!changed) return;
    this.#snapshot = next;
    for (const listener of this.#listeners) listener();
  }

  /** Count nested sync activity so `syncing` is true while any runs. */
  beginActivity(): () => void {
    this.#active++;
    this.update({ syncing: true });
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#active--;
      this.update({ syncing: this.#active > 0 });
    };
  }

  reportError(event: SyncErrorEvent): void {
    this.update({ errors: [...this.#snapshot.errors, event].slice(-MAX_ERRORS) });
  }

  setTransfer(progress: TransferProgress): void {
    const others = this.#snapshot.transfers.filter((t) => t.id !== progress.id);
    const done = progress.done >= progress.total;
    this.update({ transfers: done ? others : [...others, progress] });
  }
}
