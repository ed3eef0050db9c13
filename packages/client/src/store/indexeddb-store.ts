import { CofferClientError } from '../transport/errors.ts';
import { ownFields } from './own-bytes.ts';
import type {
  ConflictCopy,
  LocalStore,
  OutboxEntry,
  PinnedServer,
  PinnedUserKey,
  RecordRevision,
  SealedVaultKey,
  StoredRecord,
} from './types.ts';

export type { LocalStore } from './types.ts';

/** 2 added the `revisions` store (listRecordRevisions). */
const DB_VERSION = 2;
const STORES = [
  'records',
  'outbox',
  'cursors',
  'conflicts',
  'servers',
  'users',
  'vaultKeys',
  'meta',
  'revisions',
] as const;
type StoreName = (typeof STORES)[number];

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function upgrade(db: IDBDatabase, tx: IDBTransaction, oldVersion: number): void {
  if (oldVersion < 1) createV1(db);
  if (oldVersion < 2) {
    // [recordId, revision] under the record's key, kept beside `records` by every write:
    // one getAll lists a vault's revisions without reading an envelope (a key cursor
    // over an index costs a round trip per row).
    const revisions = db.createObjectStore('revisions');
    const cursor = tx.objectStore('records').openCursor();
    cursor.onsuccess = () => {
      const c = cursor.result;
      if (!c) return;
      const row = c.value as StoredRecord;
      revisions.put([row.recordId, row.revision], [row.vaultId, row.recordId]);
      c.continue();
    };
  }
}

/** The key range of one vault's rows in a store keyed by [vaultId, …]. */
function vaultRange(vaultId: string): IDBKeyRange {
  return IDBKeyRange.bound([vaultId], [vaultId, []]);
}

function createV1(db: IDBDatabase): void {
  const records = db.createObjectStore('records', { keyPath: ['vaultId', 'recordId'] });
  records.createIndex('vaultId', 'vaultId');
  const outbox = db.createObjectStore('outbox', { keyPath: 'order', autoIncrement: true });
  outbox.createIndex('mutationId', 'mutationId', { unique: true });
  outbox.createIndex('vaultId', 'vaultId');
  db.createObjectStore('cursors', { keyPath: 'vaultId' });
  db.createObjectStore('conflicts', { keyPath: 'conflictId' }).createIndex('vaultId', 'vaultId');
  db.createObjectStore('servers', { keyPath: 'origin' });
  db.createObjectStore('users', { keyPath: 'username' });
  db.createObjectStore('vaultKeys', { keyPath: ['vaultId', 'epoch'] }).createIndex(
    'vaultId',
    'vaultId',
  );
  db.createObjectStore('meta', { keyPath: 'key' });
}

/**
 * A {@link LocalStore} in IndexedDB, for browsers (the web app). Imported from
 * `@coffer/client/indexeddb`. Records keep their envelopes as Uint8Array
 * (structured clone), never plaintext.
 *
 * @example
 * import { IndexedDbStore } from '@coffer/client/indexeddb';
 * const store = await IndexedDbStore.open('coffer-replica');
 */
export class IndexedDbStore implements LocalStore {
  readonly #db: IDBDatabase;
  /** Every tab and window of this browser profile opens the same database by name. */
  readonly sharedLockName: string;
  #replaced = false;
  readonly #replacedListeners = new Set<() => void>();

  private constructor(db: IDBDatabase) {
    this.#db = db;
    this.sharedLockName = `coffer-outbox:${db.name}`;
    // A newer version of the app opened this database in another tab and
    // wants to upgrade it: let it (never block it forever), and tell this
    // tab's app, whose code no longer matches the data: it should reload.
    db.onversionchange = () => {
      db.close();
      this.#replaced = true;
      for (const listener of [...this.#replacedListeners]) listener();
    };
  }

  /** Open (creating) the named database. */
  static async open(name: string): Promise<IndexedDbStore> {
    const req = indexedDB.open(name, DB_VERSION);
    req.onupgradeneeded = (event) => {
      if (req.transaction) upgrade(req.result, req.transaction, event.oldVersion);
    };
    return new IndexedDbStore(await request(req));
  }

  /**
   * Whether another tab took the database over for a newer schema: every
   * later call then fails with `store_replaced`, and the page should reload.
   */
  get replaced(): boolean {
    return this.#replaced;
  }

  /** Call `listener` once another tab takes the database over (see {@link replaced}). */
  onReplaced(listener: () => void): () => void {
    this.#replacedListeners.add(listener);
    return () => this.#replacedListeners.delete(listener);
  }

  /** Run `fn` in one transaction and resolve when it commits. */
  async #tx<T>(
    names: StoreName | StoreName[],
    mode: IDBTransactionMode,
    fn: (tx: IDBTransaction) => Promise<T> | T,
  ): Promise<T> {
    if (this.#replaced)
      throw new CofferClientError(
        'store_replaced',
        'a newer version of Coffer opened this replica in another tab; reload this page',
      );
    const tx = this.#db.transaction(names, mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
    // If fn throws, the transaction aborts too; that rejection is the same failure.
    done.catch(() => {});
    const result = await fn(tx);
    await done;
    return result;
  }

  #get<T>(name: StoreName, key: IDBValidKey): Promise<T | undefined> {
    return this.#tx(name, 'readonly', (tx) => request(tx.objectStore(name).get(key))) as Promise<
      T | undefined
    >;
  }

  #put(name: StoreName, value: unknown): Promise<void> {
    return this.#tx(name, 'readwrite', (tx) => {
      tx.objectStore(name).put(ownFields(value as object));
    });
  }

  #byVault<T>(name: StoreName, vaultId: string): Promise<T[]> {
    return this.#tx(name, 'readonly', (tx) =>
      request(tx.objectStore(name).index('vaultId').getAll(vaultId)),
    ) as Promise<T[]>;
  }

  getRecord(vaultId: string, recordId: string): Promise<StoredRecord | undefined> {
    return this.#get('records', [vaultId, recordId]);
  }

  getRecords(
    vaultId: string,
    recordIds: ReadonlyArray<string>,
  ): Promise<Map<string, StoredRecord>> {
    return this.#tx('records', 'readonly', async (tx) => {
      const store = tx.objectStore('records');
      // Every get is issued before the first is awaited: one transaction, no round trips in between.
      const rows = await Promise.all(
        recordIds.map((id) => request(store.get([vaultId, id]) as IDBRequest<StoredRecord>)),
      );
      const out = new Map<string, StoredRecord>();
      for (const row of rows) if (row) out.set(row.recordId, row);
      return out;
    });
  }

  async listRecords(vaultId: string): Promise<StoredRecord[]> {
    const rows = await this.#byVault<StoredRecord>('records', vaultId);
    return rows.sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0));
  }

  async listRecordIds(vaultId: string): Promise<string[]> {
    const keys = await this.#tx('records', 'readonly', (tx) =>
      request(tx.objectStore('records').index('vaultId').getAllKeys(vaultId)),
    );
    // Primary keys are [vaultId, recordId].
    return (keys as Array<[string, string]>).map((k) => k[1]);
  }

  putRecords(rows: ReadonlyArray<StoredRecord>): Promise<void> {
    return this.#tx(['records', 'revisions'], 'readwrite', (tx) => {
      const store = tx.objectStore('records');
      const revisions = tx.objectStore('revisions');
      for (const row of rows) {
        store.put(ownFields(row));
        revisions.put([row.recordId, row.revision], [row.vaultId, row.recordId]);
      }
    });
  }

  applyPull(vaultId: string, rows: ReadonlyArray<StoredRecord>, cursor: number): Promise<void> {
    return this.#tx(['records', 'cursors', 'revisions'], 'readwrite', (tx) => {
      const store = tx.objectStore('records');
      const revisions = tx.objectStore('revisions');
      for (const row of rows) {
        store.put(ownFields(row));
        revisions.put([row.recordId, row.revision], [row.vaultId, row.recordId]);
      }
      tx.objectStore('cursors').put({ vaultId, cursor });
    });
  }

  deleteRecords(vaultId: string, recordIds: ReadonlyArray<string>): Promise<void> {
    return this.#tx(['records', 'revisions'], 'readwrite', (tx) => {
      const store = tx.objectStore('records');
      const revisions = tx.objectStore('revisions');
      for (const id of recordIds) {
        store.delete([vaultId, id]);
        revisions.delete([vaultId, id]);
      }
    });
  }

  enqueue(entry: Omit<OutboxEntry, 'order'>): Promise<OutboxEntry> {
    return this.#tx('outbox', 'readwrite', async (tx) => {
      const order = (await request(tx.objectStore('outbox').add(ownFields(entry)))) as number;
      return { ...entry, order };
    });
  }

  async listOutbox(options: { vaultId?: string; limit?: number } = {}): Promise<OutboxEntry[]> {
    const all = await this.#tx('outbox', 'readonly', (tx) =>
      request(tx.objectStore('outbox').getAll(null, options.vaultId ? undefined : options.limit)),
    );
    const rows = (all as OutboxEntry[]).filter(
      (e) => options.vaultId === undefined || e.vaultId === options.vaultId,
    );
    return rows.slice(0, options.limit ?? rows.length);
  }

  updateOutbox(entry: OutboxEntry): Promise<void> {
    return this.#tx('outbox', 'readwrite', async (tx) => {
      const store = tx.objectStore('outbox');
      const existing = (await request(store.index('mutationId').get(entry.mutationId))) as
        | OutboxEntry
        | undefined;
      if (existing) store.put(ownFields({ ...entry, order: existing.order }));
    });
  }

  removeOutbox(mutationIds: ReadonlyArray<string>): Promise<void> {
    return this.#tx('outbox', 'readwrite', async (tx) => {
      const store = tx.objectStore('outbox');
      for (const id of mutationIds) {
        const key = await request(store.index('mutationId').getKey(id));
        if (key !== undefined) store.delete(key);
      }
    });
  }

  countOutbox(): Promise<number> {
    return this.#tx('outbox', 'readonly', (tx) => request(tx.objectStore('outbox').count()));
  }

  async getCursor(vaultId: string): Promise<number> {
    return (await this.#get<{ cursor: number }>('cursors', vaultId))?.cursor ?? 0;
  }

  setCursor(vaultId: string, cursor: number): Promise<void> {
    return this.#put('cursors', { vaultId, cursor });
  }

  putConflict(copy: ConflictCopy): Promise<void> {
    return this.#put('conflicts', copy);
  }

  async listConflicts(vaultId?: string): Promise<ConflictCopy[]> {
    const rows =
      vaultId === undefined
        ? ((await this.#tx('conflicts', 'readonly', (tx) =>
            request(tx.objectStore('conflicts').getAll()),
          )) as ConflictCopy[])
        : await this.#byVault<ConflictCopy>('conflicts', vaultId);
    return rows.sort(
      (a, b) => a.detectedAt - b.detectedAt || (a.conflictId < b.conflictId ? -1 : 1),
    );
  }

  deleteConflict(conflictId: string): Promise<void> {
    return this.#tx('conflicts', 'readwrite', (tx) => {
      tx.objectStore('conflicts').delete(conflictId);
    });
  }

  getPinnedServer(origin: string): Promise<PinnedServer | undefined> {
    return this.#get('servers', origin);
  }

  putPinnedServer(pin: PinnedServer): Promise<void> {
    return this.#put('servers', pin);
  }

  getPinnedUser(username: string): Promise<PinnedUserKey | undefined> {
    return this.#get('users', username);
  }

  putPinnedUser(pin: PinnedUserKey): Promise<void> {
    return this.#put('users', pin);
  }

  putSealedVaultKey(key: SealedVaultKey): Promise<void> {
    return this.#put('vaultKeys', key);
  }

  async listSealedVaultKeys(vaultId: string): Promise<SealedVaultKey[]> {
    const rows = await this.#byVault<SealedVaultKey>('vaultKeys', vaultId);
    return rows.sort((a, b) => a.epoch - b.epoch);
  }

  async getMeta(key: string): Promise<string | undefined> {
    return (await this.#get<{ value: string }>('meta', key))?.value;
  }

  setMeta(key: string, value: string | undefined): Promise<void> {
    if (value !== undefined) return this.#put('meta', { key, value });
    return this.#tx('meta', 'readwrite', (tx) => {
      tx.objectStore('meta').delete(key);
    });
  }

  async listMetaKeys(prefix: string): Promise<string[]> {
    // Every string that starts with `prefix` sorts between it and prefix + U+FFFF.
    const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
    const keys = await this.#tx('meta', 'readonly', (tx) =>
      request(tx.objectStore('meta').getAllKeys(range)),
    );
    return (keys as string[]).filter((k) => k.startsWith(prefix));
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  async listRecordRevisions(vaultId: string): Promise<RecordRevision[]> {
    // One batch read of small [recordId, revision] values, in key (= recordId) order.
    const rows = (await this.#tx('revisions', 'readonly', (tx) =>
      request(tx.objectStore('revisions').getAll(vaultRange(vaultId))),
    )) as Array<[string, number]>;
    return rows.map(([recordId, revision]) => ({ recordId, revision }));
  }
}
