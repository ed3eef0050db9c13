/**
 * A logged-in {@link CofferSession} over the SDK client: the vault list with
 * decrypted names, the SDK's sync state as is, passphrase change, lock and
 * logout. Keys live only inside the client object; dropping it forgets them.
 */
import {
  type AccountSession,
  type CofferClient,
  isTransient,
  VAULT_NAME_RECORD,
  vaultNameOf,
  vaultNameValue,
} from '@coffer/client';
import type { IndexedDbStore } from '@coffer/client/indexeddb';
import { fingerprint } from '@coffer/protocol';
import { createSubject } from './observable.ts';
import { type ReachableSync, reachableSync } from './reachable-sync.ts';
import { SdkVault } from './sdk-vault.ts';
import { linkTabs, type TabLink } from './tab-channel.ts';
import type {
  CofferSession,
  Observable,
  ProgressListener,
  Role,
  SessionView,
  SyncView,
  VaultHandle,
  VaultInfo,
} from './types.ts';

/** Vault ids seen online, so the list works offline (ids only: not secret). */
const KNOWN_IDS = 'web:vault-ids';

export class SdkSession implements CofferSession {
  readonly vaults = createSubject<ReadonlyArray<VaultInfo> | null>(null);
  readonly sync: ReachableSync;
  readonly replicaReplaced: Observable<boolean>;
  readonly username: string;
  /** Open vaults stay open (and their decrypted list stays warm) until lock or logout. */
  readonly #open = new Map<string, Promise<SdkVault>>();
  #closed = false;
  /** Vaults already pulled and index-warmed by this session (a refresh only does new ones). */
  readonly #seen = new Set<string>();
  #refreshing: Promise<void> | undefined;
  #refreshedAt = 0;
  /**
   * This account's other tabs share the IndexedDB replica: a save there changes
   * the records under this tab's open vault without any sync event here (an
   * offline save would otherwise show only after the next sync of this tab).
   */
  readonly #tabs: TabLink;
  /** Stops listening to the SDK's vault list (the account live stream). */
  #unfollow: () => void = () => {};
  /** Asking the server whether it has the account stream failed (offline): ask at the next refresh. */
  #followUnasked = false;

  private constructor(
    readonly client: CofferClient,
    readonly store: IndexedDbStore,
    account: AccountSession,
    readonly fingerprint: string,
  ) {
    this.username = account.username;
    this.#tabs = linkTabs(this.username, (message) => {
      if (message.kind !== 'changed') return;
      void this.#open.get(message.vaultId)?.then(
        (vault) => vault.refresh(),
        () => {},
      );
      // This tab's status bar counts the shared outbox only when it syncs: without
      // this it said "All changes saved" while the other tab's save waited (offline).
      void this.client.sync(message.vaultId).catch(() => {});
    });
    this.replicaReplaced = {
      subscribe: (listener) => store.onReplaced(listener),
      getSnapshot: () => store.replaced,
    };
    // The SDK's SyncSnapshot has exactly the SyncView shape.
    this.sync = reachableSync(
      client.state as { subscribe: (l: () => void) => () => void; getSnapshot: () => SyncView },
    );
  }

  static async start(client: CofferClient, store: IndexedDbStore, account: AccountSession) {
    const own = await fingerprint({
      accountId: account.accountId,
      x25519PublicKey: account.bundle.x25519.publicKey,
      ed25519PublicKey: account.bundle.ed25519.publicKey,
    });
    const session = new SdkSession(client, store, account, own);
    await session.#listVaults();
    session.#refreshedAt = Date.now();
    session.#followVaults();
    return session;
  }

  async #nameOf(vaultId: string): Promise<string | undefined> {
    try {
      const entry = await this.client.records.get(vaultId, VAULT_NAME_RECORD);
      return vaultNameOf(entry?.value);
    } catch {
      return undefined;
    }
  }

  /**
   * Bring each vault's sealed record index up to date in the background, one
   * vault at a time, right after the login's pull: the first open of a vault
   * on this device then lists from the index instead of opening every
   * envelope while the person waits (an open during this run joins it).
   */
  async #warmRecordIndexes(vaultIds: ReadonlyArray<string>): Promise<void> {
    for (const vaultId of vaultIds) {
      if (this.#closed) return;
      // Failures surface as the SDK's error events; the open retries anyway.
      await this.client.records.summaries(vaultId).catch(() => {});
    }
  }

  /**
   * List vaults again (a vault shared with this account, or created on
   * another device, appears without a reload). Calls while one runs join it;
   * a call within 2 s of the last one is skipped (the login just listed them).
   */
  refreshVaults(): Promise<void> {
    if (this.#refreshing) return this.#refreshing;
    if (Date.now() - this.#refreshedAt < 2_000) return Promise.resolve();
    this.#refreshing = this.#listVaults().finally(() => {
      this.#refreshing = undefined;
      this.#refreshedAt = Date.now();
      if (this.#followUnasked && !this.#closed) this.#askToFollow();
    });
    return this.#refreshing;
  }

  /**
   * A vault shared with this account (or taken away, or a new role) shows
   * within a second: the SDK follows the account's live stream where the
   * server has one and hands over the list it fetched. An older server, or
   * a dropped stream, leaves the 30 s / focus refresh (use-session-refresh.ts).
   */
  #followVaults(): void {
    let applying = Promise.resolve();
    this.#unfollow = this.client.vaultList.subscribe((change) => {
      applying = applying
        .then(() => (this.#closed ? undefined : this.#listVaults(change.vaults)))
        .then(() => {
          this.#refreshedAt = Date.now();
        })
        .catch(() => {});
    });
    this.#askToFollow();
  }

  #askToFollow(): void {
    this.#followUnasked = false;
    // Offline: the timer's refresh lists instead, and asks again once it could list.
    this.client.followVaults().catch(() => {
      this.#followUnasked = true;
    });
  }

  /**
   * List vaults (online: from the server, pulling each new one once; offline:
   * those replicated here). `listed`: the list the SDK just fetched.
   */
  async #listVaults(listed?: ReadonlyArray<{ vaultId: string; role: Role }>): Promise<void> {
    let summaries: Array<{ vaultId: string; role: Role }>;
    try {
      summaries = (listed ?? (await this.client.vaults.list())).map((v) => ({
        vaultId: v.vaultId,
        role: v.role,
      }));
      this.sync.setReachable('online');
      await this.store.setMeta(KNOWN_IDS, JSON.stringify(summaries));
      const fresh = summaries.map((v) => v.vaultId).filter((id) => !this.#seen.has(id));
      for (const id of fresh) this.#seen.add(id);
      await Promise.all(fresh.map((id) => this.client.sync(id).catch(() => {})));
      void this.#warmRecordIndexes(fresh);
    } catch (error) {
      if (!isTransient(error)) throw error;
      this.sync.setReachable('offline');
      const raw = await this.store.getMeta(KNOWN_IDS);
      summaries = raw ? (JSON.parse(raw) as typeof summaries) : [];
    }
    const infos = await Promise.all(
      summaries.map(async (s) => ({
        vaultId: s.vaultId,
        role: s.role,
        name: (await this.#nameOf(s.vaultId)) ?? `Vault ${s.vaultId.slice(0, 8)}`,
      })),
    );
    if (!this.#closed) this.vaults.set(infos.sort((a, b) => a.name.localeCompare(b.name)));
  }

  async createVault(name: string): Promise<VaultInfo> {
    const summary = await this.client.vaults.create();
    await this.client.records.put(summary.vaultId, VAULT_NAME_RECORD, vaultNameValue(name));
    await this.client.sync(summary.vaultId).catch(() => {});
    this.#seen.add(summary.vaultId);
    const info: VaultInfo = { vaultId: summary.vaultId, name, role: summary.role };
    // The account stream announces the creation too, and its listing may have
    // landed already (perhaps before the name record synced): replace, never add twice.
    const others = <T extends { vaultId: string }>(list: ReadonlyArray<T> | null): T[] =>
      (list ?? []).filter((v) => v.vaultId !== info.vaultId);
    this.vaults.set(
      [...others(this.vaults.getSnapshot()), info].sort((a, b) => a.name.localeCompare(b.name)),
    );
    const raw = await this.store.getMeta(KNOWN_IDS);
    const known = raw ? (JSON.parse(raw) as Array<{ vaultId: string; role: Role }>) : [];
    await this.store.setMeta(
      KNOWN_IDS,
      JSON.stringify([...others(known), { vaultId: info.vaultId, role: info.role }]),
    );
    return info;
  }

  async openVault(vaultId: string): Promise<VaultHandle> {
    const info = this.vaults.getSnapshot()?.find((v) => v.vaultId === vaultId);
    if (!info) throw Object.assign(new Error('unknown vault'), { code: 'record_not_found' });
    let vault = this.#open.get(vaultId);
    if (!vault) {
      vault = SdkVault.open(this.client, this.store, info, () =>
        this.#tabs.post({ kind: 'changed', vaultId }),
      );
      this.#open.set(vaultId, vault);
      vault.catch(() => this.#open.delete(vaultId));
    } else {
      // Catch up on anything the live stream could not announce (e.g. while offline).
      void this.client.sync(vaultId).catch(() => {});
    }
    const opened = await vault;
    // Kept open since an earlier visit: the list may have a newer role (a reader
    // made writer gets the write controls; a writer made reader loses them).
    opened.updateInfo(info);
    return opened;
  }

  async changePassphrase(current: string, next: string, onProgress: ProgressListener) {
    onProgress({ step: 'Deriving keys from both passphrases (Argon2id)…' });
    await this.client.accounts.changePassphrase(current, next);
    onProgress({ step: 'Done', fraction: 1 });
  }

  async sessions(): Promise<SessionView[]> {
    const { sessions } = await this.client.accounts.listSessions();
    return sessions.map((x) => ({
      sessionId: x.sessionId,
      label: x.label,
      createdAt: Date.parse(x.createdAt),
      lastSeenAt: Date.parse(x.lastSeenAt),
      current: x.current,
    }));
  }

  revokeSession(sessionId: string): Promise<void> {
    return this.client.accounts.revokeSession(sessionId);
  }

  async #shutdown() {
    this.#closed = true;
    this.#tabs.close();
    this.#unfollow();
    for (const vault of this.#open.values())
      void vault.then(
        (v) => v.dispose(),
        () => {},
      );
    this.#open.clear();
    await this.client.close();
    await this.store.close();
  }

  async lock(): Promise<void> {
    await this.#shutdown();
  }

  async logout(): Promise<void> {
    try {
      await this.client.accounts.logout();
    } finally {
      await this.#shutdown();
    }
  }
}
