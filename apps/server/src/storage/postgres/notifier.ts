/**
 * Cross-instance notifications over PostgreSQL LISTEN/NOTIFY. One dedicated
 * connection listens on the changes channel; pushes call pg_notify inside
 * their transaction, so PostgreSQL delivers the notification to every
 * listening instance (this one included) only once the push has committed.
 * If the listening connection drops, it reconnects and then announces the
 * current head of every vault with subscribers, so nobody waits forever on
 * a notification lost in between.
 *
 * Membership changes travel on a second channel, `coffer_account_changes`,
 * whose payload is only the account id: "list your vaults again". They are
 * announced right after their write commits (a lost one costs the client a
 * poll interval; a reconnect announces every listening account).
 */
import type pg from 'pg';
import { idBytes } from '../ids.ts';
import {
  type AccountChangeListener,
  LocalNotifier,
  type Notifier,
  type VaultChangeListener,
} from '../notifier.ts';
import { createClient, rows } from './database.ts';
import { CHANGES_CHANNEL } from './records.ts';

const RECONNECT_DELAY_MS = 1000;

/** Channel of "account X's vault memberships changed" (payload: the account id). */
export const ACCOUNT_CHANGES_CHANNEL = 'coffer_account_changes';

export class PostgresNotifier implements Notifier {
  readonly #local = new LocalNotifier();
  readonly #databaseUrl: string;
  readonly #pool: pg.Pool;
  #client: pg.Client | null = null;
  #closed = false;
  #timer: NodeJS.Timeout | null = null;

  constructor(databaseUrl: string, pool: pg.Pool) {
    this.#databaseUrl = databaseUrl;
    this.#pool = pool;
  }

  /** Connect and LISTEN; resolves once notifications will be received. */
  async start(): Promise<void> {
    const client = createClient(this.#databaseUrl);
    client.on('notification', (message) => {
      if (message.payload === undefined) return;
      if (message.channel === ACCOUNT_CHANGES_CHANNEL) {
        this.#local.publishAccount(message.payload);
        return;
      }
      if (message.channel !== CHANGES_CHANNEL) return;
      const [vaultId, seq] = message.payload.split(':');
      const n = Number(seq);
      if (vaultId !== undefined && Number.isSafeInteger(n)) this.#local.publish(vaultId, n);
    });
    // A lost connection must not crash the process: drop it and reconnect.
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    await client.query(`LISTEN ${ACCOUNT_CHANGES_CHANNEL}`);
    this.#client = client;
  }

  subscribe(vaultId: string, listener: VaultChangeListener): () => void {
    return this.#local.subscribe(vaultId, listener);
  }

  subscribeAccount(accountId: string, listener: AccountChangeListener): () => void {
    return this.#local.subscribeAccount(accountId, listener);
  }

  /**
   * Tell every instance (this one through its own LISTEN) that these
   * accounts' memberships changed. Called after the write committed; a
   * failure is not the writer's: its clients still refresh on their timer.
   */
  async announceAccounts(accountIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(accountIds)];
    if (ids.length === 0) return;
    await this.#pool
      .query('SELECT pg_notify($1, id) FROM unnest($2::text[]) AS id', [
        ACCOUNT_CHANGES_CHANNEL,
        ids,
      ])
      .catch(() => {});
  }

  #lost(client: pg.Client): void {
    if (this.#closed || this.#client !== client) return;
    this.#client = null;
    client.end().catch(() => {});
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#reconnect().catch(() => this.#scheduleReconnect());
    }, RECONNECT_DELAY_MS);
    this.#timer.unref();
  }

  async #reconnect(): Promise<void> {
    await this.start();
    for (const vaultId of this.#local.vaultIds()) {
      const [r] = await rows<{ head_seq: number }>(
        this.#pool,
        'SELECT head_seq FROM vaults WHERE vault_id = $1',
        [idBytes(vaultId, 'vaultId')],
      );
      if (r !== undefined) this.#local.publish(vaultId, r.head_seq);
    }
    // Membership news may have been lost too: every listening account refreshes.
    this.#local.publishAccounts(this.#local.accountIds());
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }
}
