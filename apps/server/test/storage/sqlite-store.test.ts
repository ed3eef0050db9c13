/** The storage contract against SQLite: a fresh data directory per test. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/storage/index.ts';
import { storeContract } from './contract.ts';

storeContract('sqlite', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'coffer-sqlite-'));
  return {
    open: () => openSqliteStore({ dataDir }),
    cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});
