/**
 * Open live streams of this process, so that revoking a session, changing
 * credentials or shutting down ends them at once. (Revocations made by another
 * instance are caught by each stream's periodic session re-check.)
 */

interface Entry {
  /** null: the account stream (it outlives a removal from any one vault). */
  vaultId: string | null;
  accountId: string;
  sessionId: string;
  close: () => void;
}

export class LiveStreamRegistry {
  readonly #entries = new Set<Entry>();

  /** Register a stream; returns its unregister function. */
  add(vaultId: string | null, accountId: string, sessionId: string, close: () => void): () => void {
    const entry = { vaultId, accountId, sessionId, close };
    this.#entries.add(entry);
    return () => {
      this.#entries.delete(entry);
    };
  }

  /** Open streams of `accountId` (all its sessions, vault and account streams) in this process. */
  countAccount(accountId: string): number {
    let n = 0;
    for (const entry of this.#entries) if (entry.accountId === accountId) n++;
    return n;
  }

  #closeWhere(match: (e: Entry) => boolean): void {
    for (const entry of [...this.#entries]) {
      if (match(entry)) {
        this.#entries.delete(entry);
        entry.close();
      }
    }
  }

  closeSession(sessionId: string): void {
    this.#closeWhere((e) => e.sessionId === sessionId);
  }

  /** Close the account's streams, except those of `exceptSessionId`. */
  closeAccount(accountId: string, exceptSessionId?: string): void {
    this.#closeWhere((e) => e.accountId === accountId && e.sessionId !== exceptSessionId);
  }

  /** A member left or was removed: their streams of that vault end. */
  closeMember(vaultId: string, accountId: string): void {
    this.#closeWhere((e) => e.vaultId === vaultId && e.accountId === accountId);
  }

  closeAll(): void {
    this.#closeWhere(() => true);
  }

  get size(): number {
    return this.#entries.size;
  }
}
