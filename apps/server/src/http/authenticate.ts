/**
 * Bearer-token authentication for API routes. Every failure (no header, bad
 * format, unknown, expired or revoked token) is the same 401.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, hashToken } from '../auth/tokens.ts';
import type { Role } from '../storage/contract.ts';
import type { AppContext } from './context.ts';
import { ApiError, unauthorized, vaultNotFound } from './errors.ts';

/** The authenticated caller of a request. */
export interface Caller {
  accountId: string;
  sessionId: string;
  tokenHash: Uint8Array;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

// Writing lastSeenAt on every request would turn every read into a write.
const TOUCH_EVERY_MS = 60_000;

/** Look up the caller of a token header; null when not a live session. */
export async function findCaller(
  ctx: AppContext,
  header: string | undefined,
): Promise<Caller | null> {
  const token = bearerToken(header);
  if (!token) return null;
  const tokenHash = hashToken(token);
  const now = ctx.now();
  const session = await ctx.store.findSessionByTokenHash(tokenHash, now);
  if (!session) return null;
  if (now - session.lastSeenAt > TOUCH_EVERY_MS)
    await ctx.store.touchSession(session.sessionId, now);
  return { accountId: session.accountId, sessionId: session.sessionId, tokenHash };
}

/**
 * preHandler of routes that need a session.
 *
 * @example
 * app.get('/v1/account', { preHandler: requireSession(ctx) }, handler)
 */
export function requireSession(ctx: AppContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const caller = await findCaller(ctx, request.headers.authorization);
    if (!caller) throw unauthorized();
    request.caller = caller;
  };
}

/** The caller of a route behind {@link requireSession}. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw unauthorized();
  return request.caller;
}

const RANK: Record<Role, number> = { reader: 0, writer: 1, admin: 2, owner: 3 };

/**
 * The caller's role in a vault, at least `minimum`. Non-members get
 * `not_found` (the vault's existence is not revealed); members below the
 * needed role get `forbidden`.
 */
export async function requireRole(
  ctx: AppContext,
  vaultId: string,
  accountId: string,
  minimum: Role,
): Promise<Role> {
  if (!/^[0-9a-f]{32}$/.test(vaultId)) throw vaultNotFound();
  const role = await ctx.store.getMembership(vaultId, accountId);
  if (!role) throw vaultNotFound();
  if (RANK[role] < RANK[minimum]) {
    throw new ApiError('forbidden', `this needs the ${minimum} role or higher; you are ${role}`);
  }
  return role;
}

/** True when `a` outranks `b`. */
export function outranks(a: Role, b: Role): boolean {
  return RANK[a] > RANK[b];
}
