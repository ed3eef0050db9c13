/**
 * What the server checks before a handler runs, in the same order and with
 * the same answers: protocol and client headers (426 / 400), the bearer
 * session (one uniform 401), and vault membership (404 for non-members, 403
 * for a role too low).
 */
import { CLIENT_HEADER, PROTOCOL_HEADER, parseClientHeader, type Role } from '@coffer/protocol';
import type { MemoryDb } from '../db/memory-db.ts';
import { ApiError, unauthorized, vaultNotFound } from './problem.ts';

/** The authenticated caller of a request. */
export interface Caller {
  accountId: string;
  sessionId: string;
}

/**
 * The server's version hook for `/v1/*`: both headers are optional only on `GET /v1/meta`.
 *
 * @example
 * checkVersion(request, { min: 1, max: 1 });
 */
export function checkVersion(request: Request, range: { min: number; max: number }): void {
  const url = new URL(request.url);
  if (!url.pathname.startsWith('/v1/')) return;
  const isMeta = url.pathname === '/v1/meta';
  const protocol = request.headers.get(PROTOCOL_HEADER) ?? undefined;
  if (protocol === undefined) {
    if (isMeta) return;
    throw new ApiError(
      'version_not_supported',
      `send the header Coffer-Protocol: ${range.max} (this server accepts ${range.min}..${range.max})`,
      { protocol: range },
    );
  }
  const version = /^[0-9]{1,6}$/.test(protocol) ? Number(protocol) : Number.NaN;
  if (!(version >= range.min && version <= range.max)) {
    const advice =
      version > range.max
        ? 'this server is older than your client: upgrade the server'
        : 'your client is too old for this server: upgrade the client';
    throw new ApiError(
      'version_not_supported',
      `protocol version ${Number.isNaN(version) ? '(unreadable)' : version} is not supported; this server accepts ${range.min}..${range.max}; ${advice}`,
      { protocol: range },
    );
  }
  const client = request.headers.get(CLIENT_HEADER) ?? undefined;
  if (client === undefined && isMeta) return;
  if (!parseClientHeader(client)) {
    throw new ApiError('bad_request', 'send the header Coffer-Client: <app>/<version>');
  }
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The caller of a bearer token; every failure is the same 401. */
export function authenticate(db: MemoryDb, request: Request): Caller {
  const match = /^Bearer ([^\s]+)$/i.exec(request.headers.get('authorization') ?? '');
  const token = match?.[1];
  if (!token || !TOKEN_PATTERN.test(token)) throw unauthorized();
  const session = db.sessionByToken(token);
  if (!session) throw unauthorized();
  session.lastSeenAt = db.now();
  return { accountId: session.accountId, sessionId: session.sessionId };
}

const RANK: Record<Role, number> = { reader: 0, writer: 1, admin: 2, owner: 3 };

/** True when `a` outranks `b`. */
export function outranks(a: Role, b: Role): boolean {
  return RANK[a] > RANK[b];
}

/** The caller's role in a vault, at least `minimum` (non-members: the vault does not exist). */
export function requireRole(db: MemoryDb, vaultId: string, accountId: string, minimum: Role): Role {
  if (!/^[0-9a-f]{32}$/.test(vaultId)) throw vaultNotFound();
  const role = db.role(vaultId, accountId);
  if (!role) throw vaultNotFound();
  if (RANK[role] < RANK[minimum]) {
    throw new ApiError('forbidden', `this needs the ${minimum} role or higher; you are ${role}`);
  }
  return role;
}
