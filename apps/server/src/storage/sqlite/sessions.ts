/** Sessions on SQLite: only a hash of each bearer token is stored. */
import type { Database } from 'better-sqlite3';
import type { NewSession, SessionRow } from '../contract.ts';
import { StorageError } from '../errors.ts';
import { idBytes, toBuffer } from '../ids.ts';
import { type SessionDbRow, toSession } from '../rows.ts';
import { sql } from './statements.ts';

export function createSession(db: Database, s: NewSession): void {
  if (s.tokenHash.length !== 32) {
    throw new StorageError('invalid_argument', 'tokenHash must be 32 bytes');
  }
  sql(
    db,
    `INSERT INTO sessions (session_id, account_id, token_hash, created_at, expires_at,
      last_seen_at, client_label) VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    idBytes(s.sessionId, 'sessionId'),
    idBytes(s.accountId, 'accountId'),
    toBuffer(s.tokenHash),
    s.createdAt,
    s.expiresAt,
    s.createdAt,
    s.clientLabel,
  );
}

export function findSessionByTokenHash(
  db: Database,
  tokenHash: Uint8Array,
  now: number,
): SessionRow | null {
  // The lookup is by an index on a SHA-256 of a random token: its timing
  // reveals nothing usable about other tokens.
  const r = sql(
    db,
    'SELECT * FROM sessions WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?',
  ).get(toBuffer(tokenHash), now) as SessionDbRow | undefined;
  return r === undefined ? null : toSession(r);
}

export function listSessions(db: Database, accountId: string, now: number): SessionRow[] {
  const rows = sql(
    db,
    `SELECT * FROM sessions WHERE account_id = ? AND revoked_at IS NULL AND expires_at > ?
     ORDER BY created_at DESC, session_id`,
  ).all(idBytes(accountId, 'accountId'), now) as SessionDbRow[];
  return rows.map(toSession);
}

export function revokeSession(
  db: Database,
  accountId: string,
  sessionId: string,
  now: number,
): boolean {
  return (
    sql(
      db,
      `UPDATE sessions SET revoked_at = ?
       WHERE account_id = ? AND session_id = ? AND revoked_at IS NULL AND expires_at > ?`,
    ).run(now, idBytes(accountId, 'accountId'), idBytes(sessionId, 'sessionId'), now).changes > 0
  );
}

export function revokeAllSessions(
  db: Database,
  accountId: string,
  now: number,
  exceptSessionId?: string,
): number {
  const except = exceptSessionId === undefined ? null : idBytes(exceptSessionId, 'sessionId');
  return sql(
    db,
    `UPDATE sessions SET revoked_at = ?
     WHERE account_id = ? AND revoked_at IS NULL AND expires_at > ?
       AND (? IS NULL OR session_id <> ?)`,
  ).run(now, idBytes(accountId, 'accountId'), now, except, except).changes;
}

export function touchSession(db: Database, sessionId: string, now: number): void {
  sql(db, 'UPDATE sessions SET last_seen_at = max(last_seen_at, ?) WHERE session_id = ?').run(
    now,
    idBytes(sessionId, 'sessionId'),
  );
}

export function purgeExpired(db: Database, now: number): void {
  db.transaction(() => {
    sql(db, 'DELETE FROM challenges WHERE expires_at <= ?').run(now);
    sql(db, 'DELETE FROM sessions WHERE expires_at <= ? OR revoked_at IS NOT NULL').run(now);
  }).immediate();
}
