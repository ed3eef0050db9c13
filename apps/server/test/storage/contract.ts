/**
 * The storage contract suite: every engine registers it with a factory of
 * fresh databases (sqlite-store.test.ts, postgres-store.test.ts), so both
 * engines are held to exactly the same behaviour.
 */
import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../../src/storage/contract.ts';
import { accountContract } from './contract-accounts.ts';
import { blobContract } from './contract-blobs.ts';
import { concurrencyContract } from './contract-concurrency.ts';
import { notifierContract } from './contract-notifier.ts';
import { recordContract } from './contract-records.ts';
import { vaultContract } from './contract-vaults.ts';

/** One fresh, empty database; `open` may be called again for a second instance. */
export interface StoreDatabase {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

export interface ContractContext {
  /** The store opened for the current test. */
  readonly store: Store;
  /** Another store instance on the same database (closed after the test). */
  openAnother(): Promise<Store>;
}

export function storeContract(engine: string, createDatabase: () => Promise<StoreDatabase>): void {
  describe(`Store contract (${engine})`, () => {
    let database: StoreDatabase | undefined;
    let stores: Store[] = [];
    const ctx: ContractContext = {
      get store() {
        const store = stores[0];
        if (store === undefined) throw new Error('no store open');
        return store;
      },
      async openAnother() {
        if (database === undefined) throw new Error('no database');
        const store = await database.open();
        stores.push(store);
        return store;
      },
    };

    beforeEach(async () => {
      database = await createDatabase();
      stores = [await database.open()];
    });

    afterEach(async () => {
      for (const store of stores) await store.close();
      stores = [];
      await database?.cleanup();
      database = undefined;
    });

    accountContract(ctx);
    vaultContract(ctx);
    recordContract(ctx);
    concurrencyContract(ctx);
    blobContract(ctx);
    notifierContract(ctx);
  });
}
