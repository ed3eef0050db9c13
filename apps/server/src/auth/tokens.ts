/**
 * Session tokens: 256 random bits, shown to the client once, stored only as
 * their SHA-256. Lookup is by hash, so no stored secret is ever compared byte
 * by byte with attacker input.
 */
import { createHash, randomBytes } from 'node:crypto';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A fresh token and its hash. */
export function newSessionToken(): { token: string; hash: Uint8Array } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(token, 'utf8').digest());
}

/** The token of an `Authorization: Bearer <token>` header, or undefined when malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer ([^\s]+)$/i.exec(header);
  const token = match?.[1];
  return token && TOKEN_PATTERN.test(token) ? token : undefined;
}

/** A random 16-byte id as 32 hex digits. */
export function newId(): string {
  return randomBytes(16).toString('hex');
}
