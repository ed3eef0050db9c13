/** Schema of the SQLite replica; `user_version` tracks migrations. */
export const SQLITE_MIGRATIONS: ReadonlyArray<string> = [
  `
  CREATE TABLE records (
    vault_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    envelope BLOB,
    PRIMARY KEY (vault_id, record_id)
  ) WITHOUT ROWID;
  CREATE TABLE outbox (
    ord INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id TEXT NOT NULL UNIQUE,
    vault_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    base_revision INTEGER,
    envelope BLOB,
    epoch INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL
  );
  CREATE INDEX outbox_vault ON outbox (vault_id, ord);
  CREATE TABLE cursors (vault_id TEXT PRIMARY KEY, cursor INTEGER NOT NULL);
  CREATE TABLE conflicts (
    conflict_id TEXT PRIMARY KEY,
    vault_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    envelope BLOB,
    revision INTEGER,
    reason TEXT NOT NULL,
    detected_at INTEGER NOT NULL
  );
  CREATE TABLE pinned_servers (origin TEXT PRIMARY KEY, cert_sha256 TEXT NOT NULL, pinned_at INTEGER NOT NULL);
  CREATE TABLE pinned_users (
    username TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    x25519_public_key BLOB NOT NULL,
    ed25519_public_key BLOB NOT NULL,
    pinned_at INTEGER NOT NULL
  );
  CREATE TABLE vault_keys (
    vault_id TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (vault_id, epoch)
  );
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  // v2: records as a rowid table with a unique key. WITHOUT ROWID stores
  // whole rows in the key B-tree, which is slow for ~1 KiB envelopes (an
  // initial sync inserted about 2.5x fewer rows per second).
  `
  CREATE TABLE records_v2 (
    vault_id TEXT NOT NULL,
    record_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    envelope BLOB
  );
  INSERT INTO records_v2 (vault_id, record_id, revision, seq, envelope)
    SELECT vault_id, record_id, revision, seq, envelope FROM records;
  DROP TABLE records;
  ALTER TABLE records_v2 RENAME TO records;
  CREATE UNIQUE INDEX records_key ON records (vault_id, record_id);
  `,
];
