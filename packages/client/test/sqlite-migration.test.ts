// A replica written by schema v1 (records WITHOUT ROWID) opens under v2 with
// its rows intact and upserts still keyed by (vault, record).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../tooling/test-temp.ts';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite-schema.ts';
import { SqliteStore } from '../src/store/sqlite-store.ts';

describe('SQLite replica migrations', () => {
  it('v1 → v2 keeps records and the unique key', async () => {
    const file = join(tempDirSync('coffer-mig-'), 'r.sqlite3');
    const v1 = new Database(file);
    v1.exec(SQLITE_MIGRATIONS[0]!);
    v1.pragma('user_version = 1');
    v1.prepare('INSERT INTO records VALUES (?, ?, ?, ?, ?)').run(
      'v',
      'r1',
      3,
      7,
      Buffer.from([1, 2]),
    );
    v1.close();
    const store = SqliteStore.open(file);
    expect(await store.getRecord('v', 'r1')).toEqual({
      vaultId: 'v',
      recordId: 'r1',
      revision: 3,
      seq: 7,
      envelope: new Uint8Array([1, 2]),
    });
    await store.putRecords([{ vaultId: 'v', recordId: 'r1', revision: 4, seq: 9, envelope: null }]);
    expect(await store.listRecords('v')).toEqual([
      { vaultId: 'v', recordId: 'r1', revision: 4, seq: 9, envelope: null },
    ]);
    await store.close();
  });
});
