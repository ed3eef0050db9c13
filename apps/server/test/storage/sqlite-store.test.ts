/** The storage contract against SQLite: a fresh data directory per test. */

import { tempDirSync } from '../../../../tooling/test-temp.ts';
import { openSqliteStore } from '../../src/storage/index.ts';
import { storeContract } from './contract.ts';

storeContract('sqlite', async () => {
  const dataDir = tempDirSync('coffer-sqlite-');
  return {
    open: () => openSqliteStore({ dataDir }),
    // tempDirSync removes the dir once the test (this runs in beforeEach) is done.
    cleanup: async () => {},
  };
});
