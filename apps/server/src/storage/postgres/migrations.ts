/**
 * PostgreSQL schema, as numbered migrations applied on open. An advisory
 * lock serialises server instances that start at the same time against one
 * database. Never edit a released migration: add a new one.
 */
import type pg from 'pg';

const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
CREATE TABLE accounts (
  account_id bytea PRIMARY KEY,
  username text NOT NULL CONSTRAINT accounts_username_key UNIQUE,
  login_public_key bytea NOT NULL,
  kdf_salt bytea NOT NULL,
  kdf_memory_kib integer NOT NULL,
  kdf_iterations integer NOT NULL,
  kdf_parallelism integer NOT NULL,
  key_bundle bytea NOT NULL,
  x25519_public_key bytea NOT NULL,
  ed25519_public_key bytea NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE TABLE challenges (
  challenge_id bytea PRIMARY KEY,
  account_id bytea,
  challenge bytea NOT NULL,
  expires_at bigint NOT NULL
);
CREATE TABLE sessions (
  session_id bytea PRIMARY KEY,
  account_id bytea NOT NULL REFERENCES accounts ON DELETE CASCADE,
  token_hash bytea NOT NULL UNIQUE,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  last_seen_at bigint NOT NULL,
  revoked_at bigint,
  client_label text NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE TABLE vaults (
  vault_id bytea PRIMARY KEY,
  created_at bigint NOT NULL,
  current_epoch integer NOT NULL,
  head_seq bigint NOT NULL DEFAULT 0,
  purge_horizon bigint NOT NULL DEFAULT 0
);
CREATE TABLE members (
  vault_id bytea NOT NULL REFERENCES vaults ON DELETE CASCADE,
  account_id bytea NOT NULL REFERENCES accounts ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'writer', 'reader')),
  added_at bigint NOT NULL,
  PRIMARY KEY (vault_id, account_id)
);
CREATE INDEX members_account ON members (account_id);
CREATE TABLE key_grants (
  vault_id bytea NOT NULL REFERENCES vaults ON DELETE CASCADE,
  recipient_id bytea NOT NULL REFERENCES accounts ON DELETE CASCADE,
  epoch integer NOT NULL,
  granter_id bytea NOT NULL,
  envelope bytea NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (vault_id, recipient_id, epoch)
);
CREATE INDEX key_grants_recipient ON key_grants (recipient_id);
CREATE TABLE records (
  vault_id bytea NOT NULL REFERENCES vaults ON DELETE CASCADE,
  record_id bytea NOT NULL,
  revision bigint NOT NULL,
  seq bigint NOT NULL,
  envelope bytea,
  epoch integer NOT NULL,
  author_id bytea NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (vault_id, record_id)
);
CREATE UNIQUE INDEX records_seq ON records (vault_id, seq);
CREATE TABLE applied_mutations (
  vault_id bytea NOT NULL REFERENCES vaults ON DELETE CASCADE,
  mutation_id bytea NOT NULL,
  record_id bytea NOT NULL,
  revision bigint NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (vault_id, mutation_id)
);
CREATE TABLE blobs (
  blob_id bytea PRIMARY KEY,
  vault_id bytea NOT NULL REFERENCES vaults ON DELETE CASCADE,
  account_id bytea NOT NULL,
  total_size bigint NOT NULL,
  received_size bigint NOT NULL DEFAULT 0,
  created_at bigint NOT NULL,
  completed boolean NOT NULL DEFAULT false
);
CREATE INDEX blobs_account ON blobs (account_id);
CREATE INDEX blobs_vault ON blobs (vault_id);
CREATE TABLE blob_chunks (
  blob_id bytea NOT NULL REFERENCES blobs ON DELETE CASCADE,
  "offset" bigint NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (blob_id, "offset")
);
`,
  },
  {
    // The retention purge finds old tombstones without scanning live records.
    version: 2,
    sql: 'CREATE INDEX records_tombstones ON records (updated_at) WHERE envelope IS NULL',
  },
  {
    // Unfinished uploads expire once untouched for a while (housekeeping):
    // touched_at is the time of the last appended chunk, NULL until the first
    // (then created_at counts), so existing rows need no rewrite. The partial
    // index keeps the sweep off completed blobs.
    version: 3,
    sql: `
ALTER TABLE blobs ADD COLUMN touched_at bigint;
CREATE INDEX blobs_open ON blobs ((coalesce(touched_at, created_at))) WHERE NOT completed;
`,
  },
  {
    // A retry is the same mutation id for the same record (as on SQLite,
    // whose rows keep the id of the mutation that wrote them): a mutation id
    // reused for another record is a different mutation, applied on its own.
    version: 4,
    sql: `
ALTER TABLE applied_mutations DROP CONSTRAINT applied_mutations_pkey;
ALTER TABLE applied_mutations ADD PRIMARY KEY (vault_id, mutation_id, record_id);
`,
  },
  {
    // As SQLite's schema 5: a record row keeps the id of the mutation that
    // wrote it, so creating a record writes no applied_mutations row; a
    // replaced or purged state's id is retired there. Rows written before
    // keep NULL (their mutations are in applied_mutations).
    version: 5,
    sql: 'ALTER TABLE records ADD COLUMN mutation_id bytea',
  },
  {
    // The key of the fake prelogin salts, shared by every instance on this
    // database (src/storage/postgres/shared-secret.ts): with one secret file
    // per instance, an unknown username got a different salt from each
    // instance while a real one got the same, which told who has an account.
    version: 6,
    sql: `
CREATE TABLE server_secret (
  id smallint PRIMARY KEY CHECK (id = 1),
  secret bytea NOT NULL CHECK (length(secret) = 32),
  created_at bigint NOT NULL
);
`,
  },
];

/** The newest schema version this code knows. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

// Arbitrary constant naming "coffer schema migration" among advisory locks.
const MIGRATION_LOCK = 0x0c0ffe12;

/**
 * Refuse a database some other application uses (tables in the schema
 * coffer would write to, but no schema_version): a wrong --database-url, or
 * a database shared on purpose, would otherwise get coffer's tables mixed
 * into its own. An empty schema (a fresh database) is ours to fill. Called
 * inside the migration's transaction, before anything is created, so a
 * refusal leaves the database exactly as it was.
 */
async function refuseForeignSchema(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ schema: string | null; name: string | null }>(
    `SELECT current_schema() AS schema, table_name AS name
       FROM (SELECT 1) AS one
       LEFT JOIN information_schema.tables
         ON table_schema = current_schema() AND table_type IN ('BASE TABLE', 'VIEW')
      ORDER BY table_name`,
  );
  const tables = rows.flatMap((row) => (row.name === null ? [] : [row.name]));
  if (tables.length === 0 || tables.includes('schema_version')) return;
  const schema = rows[0]?.schema ?? '(none)';
  const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? ', …' : '');
  throw new Error(
    `not a coffer-server database: schema "${schema}" holds other tables (${shown}) and no schema_version; give coffer-server a database (or a schema, in search_path) of its own (nothing was changed)`,
  );
}

/** Bring the schema up to date; refuse a database written by newer code or by another application. */
export async function migratePostgres(client: pg.ClientBase): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await refuseForeignSchema(client);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at bigint NOT NULL)',
    );
    const { rows } = await client.query<{ v: number | null }>(
      'SELECT max(version) AS v FROM schema_version',
    );
    const current = rows[0]?.v ?? 0;
    if (current > POSTGRES_SCHEMA_VERSION) {
      throw new Error(
        // A rollback after an upgrade: say what to run, and that the data is intact.
        `database schema version ${current} is newer than this server (${POSTGRES_SCHEMA_VERSION}): it was written by a newer coffer-server; run that version or a newer one on it (nothing was changed)`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)', [
        m.version,
        Date.now(),
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
