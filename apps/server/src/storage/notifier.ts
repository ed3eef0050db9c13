/**
 * "Vault X has new sequence N" and "account A's vault memberships changed"
 * notifications. Delivered after the write
 * commits, possibly coalesced or (on a lost PostgreSQL connection) missed:
 * a listener must treat a notification as "pull now", never as data.
 */
import { EventEmitter } from 'node:events';

/** Called with the vault's new head sequence. */
export type VaultChangeListener = (seq: number) => void;

/** Called when the account was added to, removed from or re-roled in a vault. */
export type AccountChangeListener = () => void;

export interface Notifier {
  /**
   * Listen for new sequences in one vault; returns the unsubscribe function.
   *
   * @example
   * const stop = store.notifier.subscribe(vaultId, (seq) => stream.write(seq));
   * request.raw.on('close', stop);
   */
  subscribe(vaultId: string, listener: VaultChangeListener): () => void;
  /**
   * Listen for changes of one account's vault memberships (the account live
   * stream); returns the unsubscribe function.
   *
   * @example
   * const stop = store.notifier.subscribeAccount(accountId, () => stream.write('refresh'));
   */
  subscribeAccount(accountId: string, listener: AccountChangeListener): () => void;
}

/** Run a listener without letting its failure reach the publisher (a committed writer). */
function guarded<A extends unknown[]>(listener: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      listener(...args);
    } catch {}
  };
}

/** In-process fan-out shared by the SQLite store and the PostgreSQL listener. */
export class LocalNotifier implements Notifier {
  readonly #emitter = new EventEmitter();
  /** Separate from vaults: an account id and a vault id may look alike. */
  readonly #accounts = new EventEmitter();

  constructor() {
    // One listener per open live stream: many are expected, none leak.
    this.#emitter.setMaxListeners(0);
    this.#accounts.setMaxListeners(0);
  }

  subscribe(vaultId: string, listener: VaultChangeListener): () => void {
    // Publishing happens after a commit: a failing listener must not turn an
    // acknowledged write into an error for the writer. Listeners own their errors.
    const handler = guarded(listener);
    this.#emitter.on(vaultId, handler);
    return () => {
      this.#emitter.off(vaultId, handler);
    };
  }

  publish(vaultId: string, seq: number): void {
    this.#emitter.emit(vaultId, seq);
  }

  subscribeAccount(accountId: string, listener: AccountChangeListener): () => void {
    const handler = guarded(listener);
    this.#accounts.on(accountId, handler);
    return () => {
      this.#accounts.off(accountId, handler);
    };
  }

  publishAccount(accountId: string): void {
    this.#accounts.emit(accountId);
  }

  publishAccounts(accountIds: Iterable<string>): void {
    for (const id of new Set(accountIds)) this.publishAccount(id);
  }

  /** Accounts that currently have at least one listener. */
  accountIds(): string[] {
    return this.#accounts.eventNames().filter((name): name is string => typeof name === 'string');
  }

  /** Vaults that currently have at least one listener. */
  vaultIds(): string[] {
    return this.#emitter.eventNames().filter((name): name is string => typeof name === 'string');
  }
}
