/** Sessions on PostgreSQL: only a hash of each bearer token is stored. */
import type { NewSession, SessionRow } from '../contract.ts';
import { StorageError } from '../errors.ts';
import { idBytes, toBuffer } from '../ids.ts';
import { type SessionDbRow, toSession } from '../rows.ts';
import { type Db, query, rows } from './database.ts';

export async function createSession(db: Db, s: NewSession): Promise<void> {
  if (s.tokenHash.length !== 32) {
    throw new StorageError('invalid_argument', 'tokenHash must be 32 bytes');
  }
  await query(
    db,
    `INSERT INTO sessions (session_id, account_id, token_hash, created_at, expires_at,
      last_seen_at, client_label) VALUES ($1, $2, $3, $4, $5, $4, $6)`,
    [
      idBytes(s.sessionId, 'sessionId'),
      idBytes(s.accountId, 'accountId'),
      toBuffer(s.tokenHash),
      s.createdAt,
      s.expiresAt,
      s.clientLabel,
    ],
  );
}

export async function findSessionByTokenHash(
  db: Db,
  tokenHash: Uint8Array,
  now: number,
): Promise<SessionRow | null> {
  const [r] = await rows<SessionDbRow>(
    db,
    'SELECT * FROM sessions WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2',
    [toBuffer(tokenHash), now],
  );
  return r === undefined ? null : toSession(r);
}

export async function listSessions(db: Db, accountId: string, now: number): Promise<SessionRow[]> {
  const result = await rows<SessionDbRow>(
    db,
    `SELECT * FROM sessions WHERE account_id = $1 AND revoked_at IS NULL AND expires_at > $2
     ORDER BY created_at DESC, session_id`,
    [idBytes(accountId, 'accountId'), now],
  );
  return result.map(toSession);
}

export async function revokeSession(
  db: Db,
  accountId: string,
  sessionId: string,
  now: number,
): Promise<boolean> {
  const { rowCount } = await query(
    db,
    `UPDATE sessions SET revoked_at = $1
     WHERE account_id = $2 AND session_id = $3 AND revoked_at IS NULL AND expires_at > $1`,
    [now, idBytes(accountId, 'accountId'), idBytes(sessionId, 'sessionId')],
  );
  return (rowCount ?? 0) > 0;
}

export async function revokeAllSessions(
  db: Db,
  accountId: string,
  now: number,
  exceptSessionId?: string,
): Promise<number> {
  const except = exceptSessionId === undefined ? null : idBytes(exceptSessionId, 'sessionId');
  const { rowCount } = await query(
    db,
    `UPDATE sessions SET revoked_at = $1
     WHERE account_id = $2 AND revoked_at IS NULL AND expires_at > $1
       AND ($3::bytea IS NULL OR session_id <> $3)`,
    [now, idBytes(accountId, 'accountId'), except],
  );
  return rowCount ?? 0;
}

export async function touchSession(db: Db, sessionId: string, now: number): Promise<void> {
  await query(
    db,
    'UPDATE sessions SET last_seen_at = greatest(last_seen_at, $1) WHERE session_id = $2',
    [now, idBytes(sessionId, 'sessionId')],
  );
}

export async function purgeExpired(db: Db, now: number): Promise<void> {
  await query(db, 'DELETE FROM challenges WHERE expires_at <= $1', [now]);
  await query(db, 'DELETE FROM sessions WHERE expires_at <= $1 OR revoked_at IS NOT NULL', [now]);
}
