/**
 * SQLite schema, as numbered migrations applied on open inside one
 * transaction. Ids and bytes are BLOBs; times, revisions and sequences are
 * INTEGER (64-bit). Never edit a released migration: add a new one.
 */
import type { Database } from 'better-sqlite3';
import { ID_KEY_SQL_FUNCTION, idKey } from './id-key.ts';

const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
CREATE TABLE accounts (
  account_id BLOB PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  login_public_key BLOB NOT NULL,
  kdf_salt BLOB NOT NULL,
  kdf_memory_kib INTEGER NOT NULL,
  kdf_iterations INTEGER NOT NULL,
  kdf_parallelism INTEGER NOT NULL,
  key_bundle BLOB NOT NULL,
  x25519_public_key BLOB NOT NULL,
  ed25519_public_key BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE TABLE challenges (
  challenge_id BLOB PRIMARY KEY,
  account_id BLOB,
  challenge BLOB NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE TABLE sessions (
  session_id BLOB PRIMARY KEY,
  account_id BLOB NOT NULL REFERENCES accounts ON DELETE CASCADE,
  token_hash BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  revoked_at INTEGER,
  client_label TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_account ON sessions (account_id);
CREATE TABLE vaults (
  vault_id BLOB PRIMARY KEY,
  created_at INTEGER NOT NULL,
  current_epoch INTEGER NOT NULL,
  head_seq INTEGER NOT NULL DEFAULT 0,
  purge_horizon INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE TABLE members (
  vault_id BLOB NOT NULL REFERENCES vaults ON DELETE CASCADE,
  account_id BLOB NOT NULL REFERENCES accounts ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'writer', 'reader')),
  added_at INTEGER NOT NULL,
  PRIMARY KEY (vault_id, account_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX members_account ON members (account_id);
CREATE TABLE key_grants (
  vault_id BLOB NOT NULL REFERENCES vaults ON DELETE CASCADE,
  recipient_id BLOB NOT NULL REFERENCES accounts ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  granter_id BLOB NOT NULL,
  envelope BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (vault_id, recipient_id, epoch)
) STRICT;
CREATE INDEX key_grants_recipient ON key_grants (recipient_id);
CREATE TABLE records (
  vault_id BLOB NOT NULL REFERENCES vaults ON DELETE CASCADE,
  record_id BLOB NOT NULL,
  revision INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  envelope BLOB,
  epoch INTEGER NOT NULL,
  author_id BLOB NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (vault_id, record_id)
) STRICT;
CREATE UNIQUE INDEX records_seq ON records (vault_id, seq);
CREATE TABLE applied_mutations (
  vault_id BLOB NOT NULL REFERENCES vaults ON DELETE CASCADE,
  mutation_id BLOB NOT NULL,
  record_id BLOB NOT NULL,
  revision INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (vault_id, mutation_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE blobs (
  blob_id BLOB PRIMARY KEY,
  vault_id BLOB NOT NULL REFERENCES vaults ON DELETE CASCADE,
  account_id BLOB NOT NULL,
  total_size INTEGER NOT NULL,
  received_size INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  completed INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX blobs_account ON blobs (account_id);
CREATE INDEX blobs_vault ON blobs (vault_id);
CREATE TABLE blob_chunks (
  blob_id BLOB NOT NULL REFERENCES blobs ON DELETE CASCADE,
  offset INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (blob_id, offset)
) STRICT;
`,
  },
  {
    // The retention purge finds old tombstones without scanning live records.
    version: 2,
    sql: 'CREATE INDEX records_tombstones ON records (updated_at) WHERE envelope IS NULL;',
  },
  {
    // Narrow lookup keys (id-key.ts): records and applied mutations become
    // rowid tables appended in sequence order, found by id through an index
    // of 48-bit integer keys instead of a B-tree keyed by (vault_id, id).
    // Uniqueness of (vault_id, record_id) and (vault_id, mutation_id) is kept
    // by the push itself, which looks both up inside its write transaction.
    version: 3,
    sql: `
CREATE TABLE records_v3 (
  vault_id BLOB NOT NULL REFERENCES vaults ON DELETE CASCADE,
  record_key INTEGER NOT NULL,
  record_id BLOB NOT NULL,
  revision INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  envelope BLOB,
  epoch INTEGER NOT NULL,
  author_id BLOB NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
INSERT INTO records_v3 (vault_id, record_key, record_id, revision, seq, envelope, epoch, author_id, updated_at)
  SELECT vault_id, ${ID_KEY_SQL_FUNCTION}(record_id), record_id, revision, seq, envelope, epoch, author_id, updated_at
  FROM records ORDER BY vault_id, seq;
DROP TABLE records;
ALTER TABLE records_v3 RENAME TO records;
CREATE UNIQUE INDEX records_seq ON records (vault_id, seq);
CREATE INDEX records_key ON records (record_key);
CREATE INDEX records_tombstones ON records (updated_at) WHERE envelope IS NULL;
CREATE TABLE applied_mutations_v3 (
  vault_id BLOB NOT NULL REFERENCES vaults ON DELETE CASCADE,
  mutation_key INTEGER NOT NULL,
  mutation_id BLOB NOT NULL,
  record_id BLOB NOT NULL,
  revision INTEGER NOT NULL,
  seq INTEGER NOT NULL
) STRICT;
INSERT INTO applied_mutations_v3 (vault_id, mutation_key, mutation_id, record_id, revision, seq)
  SELECT vault_id, ${ID_KEY_SQL_FUNCTION}(mutation_id), mutation_id, record_id, revision, seq
  FROM applied_mutations ORDER BY vault_id, seq;
DROP TABLE applied_mutations;
ALTER TABLE applied_mutations_v3 RENAME TO applied_mutations;
CREATE INDEX applied_mutations_key ON applied_mutations (mutation_key);
CREATE INDEX applied_mutations_vault ON applied_mutations (vault_id);
`,
  },
  {
    // Unfinished uploads expire once untouched for a while (housekeeping):
    // touched_at is the time of the last appended chunk, NULL until the first
    // (then created_at counts), so rows written before this version need no
    // rewrite. The partial index keeps the sweep off completed blobs.
    version: 4,
    sql: `
ALTER TABLE blobs ADD COLUMN touched_at INTEGER;
CREATE INDEX blobs_open ON blobs (coalesce(touched_at, created_at)) WHERE completed = 0;
`,
  },
  {
    // A record row keeps the id of the mutation that wrote it, so creating a
    // record no longer costs an applied_mutations row (whose random key
    // dirtied one more index page per record at commit). A retry is
    // recognised per (vault, record, mutation id): the row's own id, or
    // applied_mutations, where a state's id is retired when the state is
    // replaced or purged. Rows written before keep NULL here: their
    // mutations are already in applied_mutations.
    version: 5,
    sql: 'ALTER TABLE records ADD COLUMN mutation_id BLOB;',
  },
];

/** The newest schema version this code knows. */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Refuse a database some other program wrote (tables, but no schema_version):
 * a wrong --data-dir or a file copied into place by mistake would otherwise
 * get coffer's tables added to it, and its own tables left to rot beside
 * them. An empty file (a fresh start) is ours to fill.
 *
 * @example
 * refuseForeignDatabase(new Database(file, { readonly: true }));
 */
export function refuseForeignDatabase(db: Database): void {
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .pluck()
    .all() as string[];
  if (tables.length === 0 || tables.includes('schema_version')) return;
  const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : '');
  throw new Error(
    `not a coffer-server database: it holds other tables (${shown}) and no schema_version; point --data-dir at a coffer-server data directory (the file was left as it was)`,
  );
}

/**
 * Bring the schema up to date; refuse a database written by newer code.
 * `upTo` (tests only) stops at an older version, to build the databases that
 * older servers left behind.
 *
 * @example
 * migrateSqlite(new Database(file));
 */
export function migrateSqlite(db: Database, upTo: number = SQLITE_SCHEMA_VERSION): void {
  refuseForeignDatabase(db);
  db.function(ID_KEY_SQL_FUNCTION, { deterministic: true }, (id: unknown) => {
    if (!(id instanceof Uint8Array)) throw new TypeError('an id is a BLOB');
    return idKey(id);
  });
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT',
  );
  db.transaction(() => {
    const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as {
      v: number | null;
    };
    const current = row.v ?? 0;
    if (current > SQLITE_SCHEMA_VERSION) {
      throw new Error(
        // A rollback after an upgrade: say what to run, and that the data is intact.
        `database schema version ${current} is newer than this server (${SQLITE_SCHEMA_VERSION}): it was written by a newer coffer-server; run that version or a newer one on it (nothing was changed)`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current || m.version > upTo) continue;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(
        m.version,
        Date.now(),
      );
    }
  }).immediate();
}
