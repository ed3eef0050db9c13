/**
 * "Vault X has new sequence N" notifications. Delivered after the write
 * commits, possibly coalesced or (on a lost PostgreSQL connection) missed:
 * a listener must treat a notification as "pull now", never as data.
 */
import { EventEmitter } from 'node:events';

/** Called with the vault's new head sequence. */
export type VaultChangeListener = (seq: number) => void;

export interface Notifier {
  /**
   * Listen for new sequences in one vault; returns the unsubscribe function.
   *
   * @example
   * const stop = store.notifier.subscribe(vaultId, (seq) => stream.write(seq));
   * request.raw.on('close', stop);
   */
  subscribe(vaultId: string, listener: VaultChangeListener): () => void;
}

/** In-process fan-out shared by the SQLite store and the PostgreSQL listener. */
export class LocalNotifier implements Notifier {
  readonly #emitter = new EventEmitter();

  constructor() {
    // One listener per open live stream: many are expected, none leak.
    this.#emitter.setMaxListeners(0);
  }

  subscribe(vaultId: string, listener: VaultChangeListener): () => void {
    const handler = (seq: number): void => {
      // Publishing happens after a commit: a failing listener must not turn an
      // acknowledged write into an error for the writer. Listeners own their errors.
      try {
        listener(seq);
      } catch {}
    };
    this.#emitter.on(vaultId, handler);
    return () => {
      this.#emitter.off(vaultId, handler);
    };
  }

  publish(vaultId: string, seq: number): void {
    this.#emitter.emit(vaultId, seq);
  }

  /** Vaults that currently have at least one listener. */
  vaultIds(): string[] {
    return this.#emitter.eventNames().filter((name): name is string => typeof name === 'string');
  }
}
