/**
 * `PostgresStore`: the scale-out engine. Any number of stateless server
 * instances share one database; writes serialise per vault on the vault's
 * counter row, and notifications cross instances through LISTEN/NOTIFY.
 */
import type pg from 'pg';
import type { Store } from '../contract.ts';
import { coMembersOf, membersOf } from '../membership-news.ts';
import * as accounts from './accounts.ts';
import * as blobs from './blobs.ts';
import { createPool } from './database.ts';
import { migratePostgres } from './migrations.ts';
import { PostgresNotifier } from './notifier.ts';
import { PushGroups } from './push.ts';
import * as records from './records.ts';
import * as sessions from './sessions.ts';
import * as vaults from './vaults.ts';

export interface PostgresStoreOptions {
  /** `postgresql://user@host:port/database` (unix sockets via `?host=/dir`). */
  databaseUrl: string;
  /** Pool size (default 10). */
  maxConnections?: number;
}

/**
 * Connect, migrate and start listening for change notifications.
 *
 * @example
 * const store = await openPostgresStore({ databaseUrl: process.env.DATABASE_URL! });
 * const stop = store.notifier.subscribe(vaultId, (seq) => console.log('new head', seq));
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  const pool = createPool(options.databaseUrl, options.maxConnections ?? 10);
  // An idle client that loses its server emits on the pool: keep the process up.
  pool.on('error', () => {});
  const notifier = new PostgresNotifier(options.databaseUrl, pool);
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client);
    } finally {
      client.release();
    }
    await notifier.start();
  } catch (error) {
    await notifier.close();
    await pool.end();
    throw error;
  }
  return new PostgresStore(pool, notifier);
}

export class PostgresStore implements Store {
  readonly engine = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly notifier: PostgresNotifier;
  /** Pushes to one vault that arrive together share one transaction (push.ts). */
  readonly #pushes: PushGroups;
  #closed = false;

  constructor(pool: pg.Pool, notifier: PostgresNotifier) {
    this.#pool = pool;
    this.notifier = notifier;
    this.#pushes = new PushGroups(pool);
  }

  get #db(): pg.Pool {
    if (this.#closed) throw new Error('store is closed');
    return this.#pool;
  }

  createAccount: Store['createAccount'] = async (a) => accounts.createAccount(this.#db, a);
  getAccountByUsername: Store['getAccountByUsername'] = async (u) =>
    accounts.getAccountByUsername(this.#db, u);
  getAccountById: Store['getAccountById'] = async (id) => accounts.getAccountById(this.#db, id);
  replaceLoginKeyAndBundle: Store['replaceLoginKeyAndBundle'] = async (id, c) =>
    accounts.replaceLoginKeyAndBundle(this.#db, id, c);
  deleteAccount: Store['deleteAccount'] = async (id) => {
    const affected = await coMembersOf(this, id);
    await accounts.deleteAccount(this.#db, id);
    await this.notifier.announceAccounts(affected);
  };

  createChallenge: Store['createChallenge'] = async (c) => accounts.createChallenge(this.#db, c);
  consumeChallenge: Store['consumeChallenge'] = async (id, now) =>
    accounts.consumeChallenge(this.#db, id, now);

  createSession: Store['createSession'] = async (s) => sessions.createSession(this.#db, s);
  findSessionByTokenHash: Store['findSessionByTokenHash'] = async (h, now) =>
    sessions.findSessionByTokenHash(this.#db, h, now);
  listSessions: Store['listSessions'] = async (id, now) => sessions.listSessions(this.#db, id, now);
  revokeSession: Store['revokeSession'] = async (a, s, now) =>
    sessions.revokeSession(this.#db, a, s, now);
  revokeAllSessions: Store['revokeAllSessions'] = async (a, now, except) =>
    sessions.revokeAllSessions(this.#db, a, now, except);
  touchSession: Store['touchSession'] = async (s, now) => sessions.touchSession(this.#db, s, now);
  purgeExpired: Store['purgeExpired'] = async (now) => sessions.purgeExpired(this.#db, now);

  // Membership writes tell the accounts concerned, once committed (account live streams).
  createVault: Store['createVault'] = async (v) => {
    await vaults.createVault(this.#db, v);
    await this.notifier.announceAccounts([v.ownerId]);
  };
  getVault: Store['getVault'] = async (id) => vaults.getVault(this.#db, id);
  deleteVault: Store['deleteVault'] = async (id) => {
    const members = await membersOf(this, id);
    await vaults.deleteVault(this.#db, id);
    await this.notifier.announceAccounts(members);
  };
  listVaultsForAccount: Store['listVaultsForAccount'] = async (id) =>
    vaults.listVaultsForAccount(this.#db, id);
  getMembership: Store['getMembership'] = async (v, a) => vaults.getMembership(this.#db, v, a);
  listMembers: Store['listMembers'] = async (v) => vaults.listMembers(this.#db, v);
  addMember: Store['addMember'] = async (v, a, role, grants, now) => {
    await vaults.addMember(this.#db, v, a, role, grants, now);
    await this.notifier.announceAccounts([a]);
  };
  setRole: Store['setRole'] = async (v, a, role) => {
    await vaults.setRole(this.#db, v, a, role);
    await this.notifier.announceAccounts([a]);
  };
  removeMember: Store['removeMember'] = async (v, a) => {
    await vaults.removeMember(this.#db, v, a);
    await this.notifier.announceAccounts([a]);
  };
  createEpoch: Store['createEpoch'] = async (v, epoch, grants, now) =>
    vaults.createEpoch(this.#db, v, epoch, grants, now);
  putKeyGrants: Store['putKeyGrants'] = async (grants, now) =>
    vaults.putKeyGrants(this.#db, grants, now);
  listKeyGrants: Store['listKeyGrants'] = async (v, r) => vaults.listKeyGrants(this.#db, v, r);

  pushMutations: Store['pushMutations'] = async (v, author, mutations, options) => {
    if (this.#closed) throw new Error('store is closed');
    return this.#pushes.push(v, author, mutations, options);
  };
  pullChanges: Store['pullChanges'] = async (v, cursor, limit, options) =>
    records.pullChanges(this.#db, v, cursor, limit, options);
  purgeTombstones: Store['purgeTombstones'] = async (v, seq) =>
    records.purgeTombstones(this.#db, v, seq);
  purgeTombstonesBefore: Store['purgeTombstonesBefore'] = async (before) =>
    records.purgeTombstonesBefore(this.#db, before);

  createUpload: Store['createUpload'] = async (u) => blobs.createUpload(this.#db, u);
  getUpload: Store['getUpload'] = async (id) => blobs.getUpload(this.#db, id);
  appendUploadChunk: Store['appendUploadChunk'] = async (id, offset, bytes, now) =>
    blobs.appendUploadChunk(this.#db, id, offset, bytes, now);
  completeUpload: Store['completeUpload'] = async (id) => blobs.completeUpload(this.#db, id);
  getBlob: Store['getBlob'] = async (id) => blobs.getBlob(this.#db, id);
  readBlob: Store['readBlob'] = (id, start, end) => blobs.readBlob(this.#db, id, start, end);
  deleteBlob: Store['deleteBlob'] = async (id) => blobs.deleteBlob(this.#db, id);
  expireUploads: Store['expireUploads'] = async (since) => blobs.expireUploads(this.#db, since);
  getBlobUsage: Store['getBlobUsage'] = async (id) => blobs.getBlobUsage(this.#db, id);

  ping: Store['ping'] = async () => {
    await this.#db.query('SELECT 1');
  };

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.notifier.close();
    await this.#pool.end();
  }
}
