/**
 * Live streams of the mock: who listens to which vault (and which account,
 * for "your vault memberships changed"), and the open streams
 * so that logout, revocation, removal or a simulated network drop ends them
 * (as the server's live registry does).
 */

interface Stream {
  /** null: the account stream. */
  vaultId: string | null;
  accountId: string;
  sessionId: string;
  /** End the stream cleanly (`drop`: as a network failure instead). */
  close: (drop: boolean) => void;
}

export class LiveHub {
  readonly #listeners = new Map<string, Set<(seq: number) => void>>();
  readonly #streams = new Set<Stream>();
  readonly #accounts = new Map<string, Set<() => void>>();

  /** Call `listener` whenever the account's vault memberships change. */
  subscribeAccount(accountId: string, listener: () => void): () => void {
    let set = this.#accounts.get(accountId);
    if (!set) {
      set = new Set();
      this.#accounts.set(accountId, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** These accounts were shared into, removed from or re-roled in a vault. */
  notifyAccounts(accountIds: Iterable<string>): void {
    for (const id of new Set(accountIds)) {
      for (const listener of [...(this.#accounts.get(id) ?? [])]) listener();
    }
  }

  /** Call `listener` with the vault's new head after every write. */
  subscribe(vaultId: string, listener: (seq: number) => void): () => void {
    let set = this.#listeners.get(vaultId);
    if (!set) {
      set = new Set();
      this.#listeners.set(vaultId, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  notify(vaultId: string, seq: number): void {
    for (const listener of [...(this.#listeners.get(vaultId) ?? [])]) listener(seq);
  }

  /** Register an open stream; returns its unregister function. */
  add(stream: Stream): () => void {
    this.#streams.add(stream);
    return () => this.#streams.delete(stream);
  }

  /** Open streams of `accountId` (all its sessions). */
  countAccount(accountId: string): number {
    let n = 0;
    for (const stream of this.#streams) if (stream.accountId === accountId) n++;
    return n;
  }

  #closeWhere(match: (s: Stream) => boolean, drop = false): void {
    for (const stream of [...this.#streams]) {
      if (!match(stream)) continue;
      this.#streams.delete(stream);
      stream.close(drop);
    }
  }

  closeSession(sessionId: string): void {
    this.#closeWhere((s) => s.sessionId === sessionId);
  }

  /** Close the account's streams, except those of `exceptSessionId`. */
  closeAccount(accountId: string, exceptSessionId?: string): void {
    this.#closeWhere((s) => s.accountId === accountId && s.sessionId !== exceptSessionId);
  }

  closeMember(vaultId: string, accountId: string): void {
    this.#closeWhere((s) => s.vaultId === vaultId && s.accountId === accountId);
  }

  /** Every open stream fails as if the network went away. */
  dropAll(): void {
    this.#closeWhere(() => true, true);
  }

  closeAll(): void {
    this.#closeWhere(() => true);
  }

  get size(): number {
    return this.#streams.size;
  }
}
