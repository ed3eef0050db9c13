/** Apply the authentication rate limits to one request. */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from './context.ts';
import { ApiError } from './errors.ts';

/** Requests of one login, each taking a token: prelogin, challenge, login. */
const LOGIN_REQUESTS = 3;

/**
 * Take a token from the caller's address bucket and, when a username is
 * involved, from the address+username bucket; throws `rate_limited` (429).
 *
 * @example
 * enforceAuthRateLimit(ctx, request, body.username);
 */
export function enforceAuthRateLimit(
  ctx: AppContext,
  request: FastifyRequest,
  username?: string,
): void {
  const now = ctx.now();
  const { perAddress, perUser } = ctx.rateLimits;
  const userKey = `${request.ip}|${username}`;
  let wait = perAddress.take(request.ip, now);
  if (wait === 0 && username !== undefined) wait = perUser.take(userKey, now);
  if (wait > 0 && username !== undefined) {
    // Said for a whole login: a client that waits as told starts over with
    // prelogin, and would be refused again at the challenge if told only when
    // one more request may pass (never logging in, however long it obeyed).
    wait = Math.max(
      wait,
      perAddress.secondsUntil(request.ip, now, LOGIN_REQUESTS),
      perUser.secondsUntil(userKey, now, LOGIN_REQUESTS),
    );
  }
  if (wait > 0) {
    throw new ApiError(
      'rate_limited',
      'too many attempts; retry later',
      { retryAfterSeconds: wait },
      { 'retry-after': String(wait) },
    );
  }
}
