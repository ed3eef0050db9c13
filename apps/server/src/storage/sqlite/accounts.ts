/** Accounts and login challenges on SQLite. */
import type { Database } from 'better-sqlite3';
import type { AccountRow, ChallengeRow, LoginKeyChange, NewAccount } from '../contract.ts';
import { notFound, StorageError } from '../errors.ts';
import { idBytes, idHex, toBuffer, toBytes } from '../ids.ts';
import { type AccountDbRow, type ChallengeDbRow, toAccount } from '../rows.ts';
import { revokeAllSessions } from './sessions.ts';
import { sql } from './statements.ts';

export function createAccount(db: Database, a: NewAccount): void {
  const id = idBytes(a.accountId, 'accountId');
  db.transaction(() => {
    if (sql(db, 'SELECT 1 FROM accounts WHERE username = ?').get(a.username) !== undefined) {
      throw new StorageError('username_taken', 'username is taken');
    }
    if (sql(db, 'SELECT 1 FROM accounts WHERE account_id = ?').get(id) !== undefined) {
      throw new StorageError('already_exists', 'account id already exists');
    }
    sql(
      db,
      `INSERT INTO accounts (account_id, username, login_public_key, kdf_salt, kdf_memory_kib,
        kdf_iterations, kdf_parallelism, key_bundle, x25519_public_key, ed25519_public_key,
        created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      id,
      a.username,
      toBuffer(a.loginPublicKey),
      toBuffer(a.kdfSalt),
      a.kdfParams.memoryKiB,
      a.kdfParams.iterations,
      a.kdfParams.parallelism,
      toBuffer(a.keyBundle),
      toBuffer(a.x25519PublicKey),
      toBuffer(a.ed25519PublicKey),
      a.createdAt,
      a.createdAt,
    );
  }).immediate();
}

export function getAccountByUsername(db: Database, username: string): AccountRow | null {
  const r = sql(db, 'SELECT * FROM accounts WHERE username = ?').get(username) as
    | AccountDbRow
    | undefined;
  return r === undefined ? null : toAccount(r);
}

export function getAccountById(db: Database, accountId: string): AccountRow | null {
  const r = sql(db, 'SELECT * FROM accounts WHERE account_id = ?').get(
    idBytes(accountId, 'accountId'),
  ) as AccountDbRow | undefined;
  return r === undefined ? null : toAccount(r);
}

export function replaceLoginKeyAndBundle(db: Database, accountId: string, c: LoginKeyChange): void {
  const id = idBytes(accountId, 'accountId');
  db.transaction(() => {
    const changed = sql(
      db,
      `UPDATE accounts SET login_public_key = ?, kdf_salt = ?, kdf_memory_kib = ?,
        kdf_iterations = ?, kdf_parallelism = ?, key_bundle = ?, updated_at = ?
       WHERE account_id = ?`,
    ).run(
      toBuffer(c.loginPublicKey),
      toBuffer(c.kdfSalt),
      c.kdfParams.memoryKiB,
      c.kdfParams.iterations,
      c.kdfParams.parallelism,
      toBuffer(c.keyBundle),
      c.updatedAt,
      id,
    ).changes;
    if (changed === 0) throw notFound('account');
    if (c.revokeSessions !== undefined) {
      revokeAllSessions(db, accountId, c.updatedAt, c.revokeSessions.except ?? undefined);
    }
  }).immediate();
}

export function deleteAccount(db: Database, accountId: string): void {
  const id = idBytes(accountId, 'accountId');
  db.transaction(() => {
    // Vaults this account owns with no other owner go with it (cascade
    // removes their members, grants, records and blobs).
    sql(
      db,
      `DELETE FROM vaults WHERE vault_id IN (
         SELECT m.vault_id FROM members m WHERE m.account_id = ? AND m.role = 'owner'
           AND NOT EXISTS (SELECT 1 FROM members o WHERE o.vault_id = m.vault_id
             AND o.role = 'owner' AND o.account_id <> m.account_id))`,
    ).run(id);
    sql(db, 'DELETE FROM blobs WHERE account_id = ? AND completed = 0').run(id);
    sql(db, 'DELETE FROM challenges WHERE account_id = ?').run(id);
    sql(db, 'DELETE FROM accounts WHERE account_id = ?').run(id);
  }).immediate();
}

export function createChallenge(db: Database, c: ChallengeRow): void {
  sql(
    db,
    'INSERT INTO challenges (challenge_id, account_id, challenge, expires_at) VALUES (?, ?, ?, ?)',
  ).run(
    idBytes(c.challengeId, 'challengeId'),
    c.accountId === null ? null : idBytes(c.accountId, 'accountId'),
    toBuffer(c.challenge),
    c.expiresAt,
  );
}

export function consumeChallenge(
  db: Database,
  challengeId: string,
  now: number,
): ChallengeRow | null {
  // DELETE ... RETURNING is one statement: a replay finds nothing to delete.
  const r = sql(db, 'DELETE FROM challenges WHERE challenge_id = ? RETURNING *').get(
    idBytes(challengeId, 'challengeId'),
  ) as ChallengeDbRow | undefined;
  if (r === undefined || r.expires_at <= now) return null;
  return {
    challengeId: idHex(r.challenge_id),
    accountId: r.account_id === null ? null : idHex(r.account_id),
    challenge: toBytes(r.challenge),
    expiresAt: r.expires_at,
  };
}
