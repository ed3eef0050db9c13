import { describe, expect, it } from 'vitest';
import { IndexedDbStore } from '../src/store/indexeddb-store.ts';
import { MemoryStore } from '../src/store/memory-store.ts';
import { runStoreContract } from './store-contract.ts';

let n = 0;
const unique = () => `coffer-contract-${Date.now()}-${++n}`;

runStoreContract('indexeddb', () => IndexedDbStore.open(unique()));
runStoreContract('memory (browser)', async () => new MemoryStore());

describe('IndexedDbStore persistence', () => {
  it('keeps records, outbox and cursors across reopen', async () => {
    const name = unique();
    const a = await IndexedDbStore.open(name);
    await a.applyPull(
      'v',
      [{ vaultId: 'v', recordId: 'r', revision: 2, seq: 5, envelope: new Uint8Array([7]) }],
      5,
    );
    await a.enqueue({
      mutationId: 'm',
      vaultId: 'v',
      recordId: 'r',
      baseRevision: 2,
      envelope: null,
      epoch: 2,
      createdAt: 1,
      attempts: 0,
      nextAttemptAt: 0,
    });
    await a.close();
    const b = await IndexedDbStore.open(name);
    expect(await b.getCursor('v')).toBe(5);
    expect((await b.getRecord('v', 'r'))?.envelope).toEqual(new Uint8Array([7]));
    expect((await b.listOutbox()).map((e) => e.mutationId)).toEqual(['m']);
    await b.close();
  });
});

describe('IndexedDbStore upgrade', () => {
  it('opens a version 1 replica and lists its revisions (the index is filled on upgrade)', async () => {
    const name = unique();
    // A replica as the version 1 schema left it (records store, vaultId index only).
    const v1 = indexedDB.open(name, 1);
    v1.onupgradeneeded = () => {
      const db = v1.result;
      const records = db.createObjectStore('records', { keyPath: ['vaultId', 'recordId'] });
      records.createIndex('vaultId', 'vaultId');
      records.put({
        vaultId: 'v',
        recordId: 'r2',
        revision: 7,
        seq: 2,
        envelope: new Uint8Array([1]),
      });
      records.put({ vaultId: 'v', recordId: 'r1', revision: 3, seq: 1, envelope: null });
      const outbox = db.createObjectStore('outbox', { keyPath: 'order', autoIncrement: true });
      outbox.createIndex('mutationId', 'mutationId', { unique: true });
      outbox.createIndex('vaultId', 'vaultId');
      db.createObjectStore('cursors', { keyPath: 'vaultId' });
      db.createObjectStore('conflicts', { keyPath: 'conflictId' }).createIndex(
        'vaultId',
        'vaultId',
      );
      db.createObjectStore('servers', { keyPath: 'origin' });
      db.createObjectStore('users', { keyPath: 'username' });
      db.createObjectStore('vaultKeys', { keyPath: ['vaultId', 'epoch'] }).createIndex(
        'vaultId',
        'vaultId',
      );
      db.createObjectStore('meta', { keyPath: 'key' });
    };
    await new Promise<void>((resolve, reject) => {
      v1.onsuccess = () => {
        v1.result.close();
        resolve();
      };
      v1.onerror = () => reject(v1.error);
    });
    const store = await IndexedDbStore.open(name);
    expect(await store.listRecordRevisions('v')).toEqual([
      { recordId: 'r1', revision: 3 },
      { recordId: 'r2', revision: 7 },
    ]);
    expect((await store.getRecord('v', 'r2'))?.envelope).toEqual(new Uint8Array([1]));
    await store.close();
  });
});

describe('IndexedDbStore schema changes', () => {
  it('an open store gives way to a newer schema opened elsewhere (no blocked upgrade)', async () => {
    const name = unique();
    const store = await IndexedDbStore.open(name);
    const newer = indexedDB.open(name, 99);
    let blocked = false;
    newer.onblocked = () => {
      blocked = true;
    };
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      newer.onsuccess = () => resolve(newer.result);
      newer.onerror = () => reject(newer.error);
    });
    expect(db.version).toBe(99);
    expect(blocked).toBe(false);
    db.close();
    await store.close();
  });
});
