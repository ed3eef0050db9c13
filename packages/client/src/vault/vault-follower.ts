/**
 * Following the account's vault list live: on a server that advertises the
 * account stream (`account-events` in `/v1/meta?features=1`), each `vaults`
 * event lists the vaults again; a vault new to the list is synced (and, if
 * asked, followed live; the first list only starts live streams), a vault
 * gone from it stops its live stream, and
 * subscribers get the new list. Against an older server nothing starts and
 * the application keeps listing on its own timer.
 */
import { ACCOUNT_EVENTS_FEATURE, type VaultSummary } from '@coffer/protocol';
import type { SyncEngine } from '../sync/engine.ts';
import { isTransient } from '../transport/errors.ts';
import type { Transport } from '../transport/transport.ts';

/** Options of {@link VaultFollower.start}. */
export interface FollowVaultsOptions {
  /** Also follow the live stream of every vault in the list (default false: sync once). */
  live?: boolean;
}

/** One refresh of the list: the whole list, and what changed since the previous one. */
export interface VaultListChange {
  vaults: readonly VaultSummary[];
  /** Vaults that were not in the previous list (all of them on the first). */
  added: readonly string[];
  /** Vaults of the previous list that are gone (access removed, vault deleted). */
  removed: readonly string[];
  /** Vaults whose role changed. */
  roleChanged: readonly string[];
}

type Listener = (change: VaultListChange) => void;

/**
 * The vault list as the account stream keeps it (`client.vaultList`).
 *
 * @example
 * const stop = client.vaultList.subscribe(({ added, removed }) => render(client.vaultList.getSnapshot()));
 * const live = await client.followVaults(); // false: an older server, keep polling vaults.list()
 */
export class VaultFollower {
  readonly #transport: Transport;
  readonly #engine: SyncEngine;
  readonly #list: () => Promise<VaultSummary[]>;
  readonly #report: (code: string, message: string) => void;
  readonly #listeners = new Set<Listener>();
  #snapshot: readonly VaultSummary[] | null = null;
  #live = false;
  /** One refresh at a time; an event during one asks for one more after it. */
  #running: Promise<void> | undefined;
  #again = false;

  constructor(
    transport: Transport,
    engine: SyncEngine,
    list: () => Promise<VaultSummary[]>,
    report: (code: string, message: string) => void,
  ) {
    this.#transport = transport;
    this.#engine = engine;
    this.#list = list;
    this.#report = report;
  }

  /**
   * Start following if the server has the account stream; resolves whether
   * it does. Calling it again while following changes nothing but `live`.
   */
  async start(options: FollowVaultsOptions = {}): Promise<boolean> {
    const meta = await this.#transport.getMeta({ features: true });
    if (!meta.features?.includes(ACCOUNT_EVENTS_FEATURE)) return false;
    this.#live = options.live === true;
    // Its first event (`connected`) lists the vaults: nothing missed before it.
    this.#engine.startAccountLive(() => void this.refresh());
    return true;
  }

  /** Stop following (a logout stops it too, with every background stream). */
  stop(): void {
    this.#engine.stopAccountLive();
  }

  /** The list of the last refresh (null before the first). */
  getSnapshot(): readonly VaultSummary[] | null {
    return this.#snapshot;
  }

  /** Called after every refresh that changed something; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** List the vaults now and apply the difference (joins a refresh that is running). */
  refresh(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    const run = (async () => {
      do {
        this.#again = false;
        await this.#refreshOnce();
      } while (this.#again);
    })().finally(() => {
      this.#running = undefined;
    });
    this.#running = run;
    return run;
  }

  async #refreshOnce(): Promise<void> {
    let vaults: VaultSummary[];
    try {
      vaults = await this.#list();
    } catch (error) {
      // Offline or logged out: the stream's reconnect brings a `connected` event later.
      if (!isTransient(error) && (error as { code?: string }).code !== 'not_logged_in') {
        this.#report('vault_list_failed', error instanceof Error ? error.message : 'failed');
      }
      return;
    }
    const before = new Map((this.#snapshot ?? []).map((v) => [v.vaultId, v.role]));
    const now = new Set(vaults.map((v) => v.vaultId));
    const added = vaults.filter((v) => !before.has(v.vaultId)).map((v) => v.vaultId);
    const removed = [...before.keys()].filter((id) => !now.has(id));
    const roleChanged = vaults
      .filter((v) => before.has(v.vaultId) && before.get(v.vaultId) !== v.role)
      .map((v) => v.vaultId);
    const first = this.#snapshot === null;
    this.#snapshot = vaults;
    for (const id of removed) this.#engine.stopLive(id);
    for (const id of added) {
      // The first list is what the application listed (and synced) itself;
      // a vault's live stream pulls on connect anyway.
      if (!first) void this.#engine.sync(id).catch(() => {});
      if (this.#live) this.#engine.startLive(id);
    }
    if (!first && added.length + removed.length + roleChanged.length === 0) return;
    const change: VaultListChange = { vaults, added, removed, roleChanged };
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch {}
    }
  }
}
