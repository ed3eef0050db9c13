/**
 * A database left by an older server (schema version 2: records and applied
 * mutations keyed by (vault_id, id)) is migrated on open to the narrow-key
 * layout (version 3) and on to the current version (5: record rows keep the id
 * of the mutation that wrote them), and everything it held still behaves the same.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDirSync } from '../../../../tooling/test-temp.ts';
import { migrateSqlite, SQLITE_SCHEMA_VERSION } from '../../src/storage/sqlite/migrations.ts';
import { openSqliteStore, SQLITE_FILE_NAME } from '../../src/storage/sqlite/sqlite-store.ts';

const hex = (byte: number, last = 0) => Buffer.alloc(16, byte).fill(last, 15).toString('hex');
const ACCOUNT = hex(0xa1);
const VAULT = hex(0xb1);
const LIVE = hex(0xc1);
const GONE = hex(0xc2);
// Two record ids sharing their first 48 bits: the narrow key alone cannot tell them apart.
const TWIN = hex(0xc1, 0x77);
const M1 = hex(0xd1);
const M2 = hex(0xd2);
const M3 = hex(0xd3);
const ENVELOPE = Buffer.from('an old envelope');

/** A data directory as a version-2 server left it, written with that schema's own SQL. */
function oldDataDir(): string {
  const dir = tempDirSync('coffer-migrate-');
  const db = new Database(join(dir, SQLITE_FILE_NAME));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrateSqlite(db, 2);
  const b = (id: string) => Buffer.from(id, 'hex');
  db.prepare(`INSERT INTO accounts VALUES (?, 'old', ?, ?, 65536, 3, 1, ?, ?, ?, 1, 1)`).run(
    b(ACCOUNT),
    Buffer.alloc(32),
    Buffer.alloc(16),
    Buffer.alloc(8),
    Buffer.alloc(32),
    Buffer.alloc(32),
  );
  db.prepare('INSERT INTO vaults VALUES (?, 1, 1, 3, 0)').run(b(VAULT));
  db.prepare(`INSERT INTO members VALUES (?, ?, 'owner', 1)`).run(b(VAULT), b(ACCOUNT));
  const record = db.prepare('INSERT INTO records VALUES (?, ?, ?, ?, ?, 1, ?, ?)');
  record.run(b(VAULT), b(LIVE), 1, 1, ENVELOPE, b(ACCOUNT), 1000);
  record.run(b(VAULT), b(GONE), 2, 3, null, b(ACCOUNT), 1002);
  const applied = db.prepare('INSERT INTO applied_mutations VALUES (?, ?, ?, ?, ?)');
  applied.run(b(VAULT), b(M1), b(LIVE), 1, 1);
  applied.run(b(VAULT), b(M2), b(GONE), 1, 2);
  applied.run(b(VAULT), b(M3), b(GONE), 2, 3);
  db.close();
  return dir;
}

const put = (mutationId: string, recordId: string, baseRevision: number | null) => ({
  mutationId,
  recordId,
  baseRevision,
  envelope: new Uint8Array([1, 2, 3]),
  epoch: 1,
});
const options = { atomic: false, now: 2000 };

describe('SQLite schema migration 2 -> current', () => {
  it('keeps the changes, the replays, the conflicts and the cascades of an old database', async () => {
    const dir = oldDataDir();
    const store = await openSqliteStore({ dataDir: dir });
    try {
      const page = await store.pullChanges(VAULT, 0, 10);
      expect(page).toMatchObject({ resyncRequired: false, nextCursor: 3, hasMore: false });
      if (page.resyncRequired) throw new Error('unexpected');
      expect(page.changes).toEqual([
        {
          seq: 1,
          recordId: LIVE,
          revision: 1,
          envelope: new Uint8Array(ENVELOPE),
          epoch: 1,
          authorId: ACCOUNT,
          updatedAt: 1000,
        },
        {
          seq: 3,
          recordId: GONE,
          revision: 2,
          envelope: null,
          epoch: 1,
          authorId: ACCOUNT,
          updatedAt: 1002,
        },
      ]);
      // A mutation applied by the old server is still a replay, with its first outcome.
      const [replay, conflict, twin, recreate] = await store.pushMutations(
        VAULT,
        ACCOUNT,
        [
          put(M1, LIVE, null),
          put(hex(0xe1), LIVE, null),
          put(hex(0xe2), TWIN, null),
          put(hex(0xe3), GONE, null),
        ],
        options,
      );
      expect(replay).toMatchObject({ status: 'applied', recordId: LIVE, revision: 1, seq: 1 });
      expect(conflict).toMatchObject({
        status: 'conflict',
        currentRevision: 1,
        currentSeq: 1,
        currentEnvelope: new Uint8Array(ENVELOPE),
      });
      expect(twin).toMatchObject({ status: 'applied', recordId: TWIN, revision: 1, seq: 4 });
      expect(recreate).toMatchObject({ status: 'applied', recordId: GONE, revision: 3, seq: 5 });
      const [update] = await store.pushMutations(
        VAULT,
        ACCOUNT,
        [put(hex(0xe4), LIVE, 1)],
        options,
      );
      expect(update).toMatchObject({ status: 'applied', revision: 2, seq: 6 });
      const after = await store.pullChanges(VAULT, 3, 10);
      if (after.resyncRequired) throw new Error('unexpected');
      expect(after.changes.map((c) => [c.recordId, c.revision, c.seq])).toEqual([
        [TWIN, 1, 4],
        [GONE, 3, 5],
        [LIVE, 2, 6],
      ]);
      // Retries after the migration: M1 (in applied_mutations, from the old
      // server) and 0xe4 (kept on its record row by this one) both replay.
      const retries = await store.pushMutations(
        VAULT,
        ACCOUNT,
        [put(M1, LIVE, null), put(hex(0xe4), LIVE, 1)],
        options,
      );
      expect(retries).toMatchObject([
        { status: 'applied', recordId: LIVE, revision: 1, seq: 1 },
        { status: 'applied', recordId: LIVE, revision: 2, seq: 6 },
      ]);
      await store.deleteVault(VAULT);
    } finally {
      await store.close();
    }
    const db = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
    try {
      expect(db.prepare('SELECT max(version) AS v FROM schema_version').get()).toEqual({
        v: SQLITE_SCHEMA_VERSION,
      });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.prepare('SELECT count(*) AS n FROM records').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM applied_mutations').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('looks ids up through the narrow-key indexes', async () => {
    const dir = oldDataDir();
    await (await openSqliteStore({ dataDir: dir })).close();
    const db = new Database(join(dir, SQLITE_FILE_NAME), { readonly: true });
    try {
      const plan = (sql: string) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>)
          .map((r) => r.detail)
          .join('; ');
      expect(
        plan(
          "SELECT 1 FROM records WHERE record_key = 1 AND vault_id = x'00' AND record_id = x'00'",
        ),
      ).toContain('records_key');
      expect(
        plan("SELECT 1 FROM records WHERE vault_id = x'00' AND seq > 0 ORDER BY seq"),
      ).toContain('records_seq');
      expect(
        plan(
          "SELECT 1 FROM applied_mutations WHERE mutation_key = 1 AND vault_id = x'00' AND mutation_id = x'00'",
        ),
      ).toContain('applied_mutations_key');
    } finally {
      db.close();
    }
  });
});
