/**
 * An IndexedDB database as JSON text and back, inside a page (the e2e
 * counterpart of the SQL dumps of old SQLite files): the schema (version,
 * object stores with key paths and indexes) and every row with its key.
 * Bytes become {"$bytes": base64}, so a dump diffs and reviews as text.
 */
import type { Page } from 'playwright-core';

export interface IndexedDbDump {
  name: string;
  version: number;
  stores: Array<{
    name: string;
    keyPath: string | string[] | null;
    autoIncrement: boolean;
    indexes: Array<{
      name: string;
      keyPath: string | string[];
      unique: boolean;
      multiEntry: boolean;
    }>;
    /** [key, value] pairs, in key order. */
    rows: Array<[unknown, unknown]>;
  }>;
}

/** Read database `name` of the page's origin. */
export function dumpIndexedDb(page: Page, name: string): Promise<IndexedDbDump> {
  return page.evaluate(async (dbName) => {
    const encode = (value: unknown): unknown => {
      if (value instanceof Uint8Array) {
        let binary = '';
        for (const byte of value) binary += String.fromCharCode(byte);
        return { $bytes: btoa(binary) };
      }
      if (value instanceof ArrayBuffer) return encode(new Uint8Array(value));
      if (value === undefined) return { $undefined: true };
      if (Array.isArray(value)) return value.map(encode);
      if (value !== null && typeof value === 'object') {
        if (Object.getPrototypeOf(value) !== Object.prototype)
          throw new Error(`cannot dump a ${Object.prototype.toString.call(value)}`);
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
      }
      return value;
    };
    const ask = <T>(request: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const db = await ask(indexedDB.open(dbName));
    try {
      const stores = [];
      for (const storeName of [...db.objectStoreNames]) {
        const store = db.transaction(storeName, 'readonly').objectStore(storeName);
        const keys = await ask(store.getAllKeys());
        const values = await ask(store.getAll());
        stores.push({
          name: storeName,
          keyPath: store.keyPath as string | string[] | null,
          autoIncrement: store.autoIncrement,
          indexes: [...store.indexNames].map((indexName) => {
            const index = store.index(indexName);
            return {
              name: indexName,
              keyPath: index.keyPath as string | string[],
              unique: index.unique,
              multiEntry: index.multiEntry,
            };
          }),
          rows: keys.map((key, i) => [encode(key), encode(values[i])] as [unknown, unknown]),
        });
      }
      return { name: dbName, version: db.version, stores };
    } finally {
      db.close();
    }
  }, name);
}

/** Create the dumped database in the page's origin (which must not have it yet). */
export async function restoreIndexedDb(page: Page, dump: IndexedDbDump): Promise<void> {
  await page.evaluate(async (d) => {
    const decode = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(decode);
      if (value !== null && typeof value === 'object') {
        const tagged = value as { $bytes?: string; $undefined?: boolean };
        if (typeof tagged.$bytes === 'string')
          return Uint8Array.from(atob(tagged.$bytes), (c) => c.charCodeAt(0));
        if (tagged.$undefined === true) return undefined;
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
      }
      return value;
    };
    const request = indexedDB.open(d.name, d.version);
    request.onupgradeneeded = () => {
      const db = request.result;
      for (const s of d.stores) {
        const store = db.createObjectStore(s.name, {
          keyPath: s.keyPath,
          autoIncrement: s.autoIncrement,
        });
        for (const i of s.indexes)
          store.createIndex(i.name, i.keyPath, { unique: i.unique, multiEntry: i.multiEntry });
        // In-line keys come from the value; out-of-line ones are given.
        for (const [key, value] of s.rows) {
          if (s.keyPath === null) store.put(decode(value), decode(key) as IDBValidKey);
          else store.put(decode(value));
        }
      }
    };
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
  }, dump);
}
