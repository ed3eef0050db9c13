/** Accounts and login challenges on PostgreSQL. */
import type pg from 'pg';
import type { AccountRow, ChallengeRow, LoginKeyChange, NewAccount } from '../contract.ts';
import { notFound } from '../errors.ts';
import { idBytes, idHex, toBuffer, toBytes } from '../ids.ts';
import { type AccountDbRow, type ChallengeDbRow, toAccount } from '../rows.ts';
import { type Db, query, rows, transaction } from './database.ts';
import { revokeAllSessions } from './sessions.ts';

export async function createAccount(db: Db, a: NewAccount): Promise<void> {
  // Unique violations map to username_taken / already_exists (database.ts),
  // which also covers two concurrent sign-ups with one name.
  await query(
    db,
    `INSERT INTO accounts (account_id, username, login_public_key, kdf_salt, kdf_memory_kib,
      kdf_iterations, kdf_parallelism, key_bundle, x25519_public_key, ed25519_public_key,
      created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
    [
      idBytes(a.accountId, 'accountId'),
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
    ],
  );
}

export async function getAccountByUsername(db: Db, username: string): Promise<AccountRow | null> {
  const [r] = await rows<AccountDbRow>(db, 'SELECT * FROM accounts WHERE username = $1', [
    username,
  ]);
  return r === undefined ? null : toAccount(r);
}

export async function getAccountById(db: Db, accountId: string): Promise<AccountRow | null> {
  const [r] = await rows<AccountDbRow>(db, 'SELECT * FROM accounts WHERE account_id = $1', [
    idBytes(accountId, 'accountId'),
  ]);
  return r === undefined ? null : toAccount(r);
}

export async function replaceLoginKeyAndBundle(
  pool: pg.Pool,
  accountId: string,
  c: LoginKeyChange,
): Promise<void> {
  const id = idBytes(accountId, 'accountId');
  await transaction(pool, async (tx) => {
    const { rowCount } = await query(
      tx,
      `UPDATE accounts SET login_public_key = $1, kdf_salt = $2, kdf_memory_kib = $3,
        kdf_iterations = $4, kdf_parallelism = $5, key_bundle = $6, updated_at = $7
       WHERE account_id = $8`,
      [
        toBuffer(c.loginPublicKey),
        toBuffer(c.kdfSalt),
        c.kdfParams.memoryKiB,
        c.kdfParams.iterations,
        c.kdfParams.parallelism,
        toBuffer(c.keyBundle),
        c.updatedAt,
        id,
      ],
    );
    if (rowCount === 0) throw notFound('account');
    if (c.revokeSessions !== undefined) {
      await revokeAllSessions(tx, accountId, c.updatedAt, c.revokeSessions.except ?? undefined);
    }
  });
}

export async function deleteAccount(pool: pg.Pool, accountId: string): Promise<void> {
  const id = idBytes(accountId, 'accountId');
  await transaction(pool, async (tx) => {
    // Vaults this account owns with no other owner go with it (cascade
    // removes their members, grants, records and blobs).
    await query(
      tx,
      `DELETE FROM vaults WHERE vault_id IN (
         SELECT m.vault_id FROM members m WHERE m.account_id = $1 AND m.role = 'owner'
           AND NOT EXISTS (SELECT 1 FROM members o WHERE o.vault_id = m.vault_id
             AND o.role = 'owner' AND o.account_id <> m.account_id))`,
      [id],
    );
    await query(tx, 'DELETE FROM blobs WHERE account_id = $1 AND NOT completed', [id]);
    await query(tx, 'DELETE FROM challenges WHERE account_id = $1', [id]);
    await query(tx, 'DELETE FROM accounts WHERE account_id = $1', [id]);
  });
}

export async function createChallenge(db: Db, c: ChallengeRow): Promise<void> {
  await query(
    db,
    'INSERT INTO challenges (challenge_id, account_id, challenge, expires_at) VALUES ($1, $2, $3, $4)',
    [
      idBytes(c.challengeId, 'challengeId'),
      c.accountId === null ? null : idBytes(c.accountId, 'accountId'),
      toBuffer(c.challenge),
      c.expiresAt,
    ],
  );
}

export async function consumeChallenge(
  db: Db,
  challengeId: string,
  now: number,
): Promise<ChallengeRow | null> {
  // DELETE ... RETURNING: of two concurrent consumers only one gets the row.
  const [r] = await rows<ChallengeDbRow>(
    db,
    'DELETE FROM challenges WHERE challenge_id = $1 RETURNING *',
    [idBytes(challengeId, 'challengeId')],
  );
  if (r === undefined || r.expires_at <= now) return null;
  return {
    challengeId: idHex(r.challenge_id),
    accountId: r.account_id === null ? null : idHex(r.account_id),
    challenge: toBytes(r.challenge),
    expiresAt: r.expires_at,
  };
}
