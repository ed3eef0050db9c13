/** Apply the authentication rate limits to one request. */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from './context.ts';
import { ApiError } from './errors.ts';

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
  let wait = ctx.rateLimits.perAddress.take(request.ip, now);
  if (wait === 0 && username !== undefined)
    wait = ctx.rateLimits.perUser.take(`${request.ip}|${username}`, now);
  if (wait > 0) {
    throw new ApiError(
      'rate_limited',
      'too many attempts; retry later',
      { retryAfterSeconds: wait },
      { 'retry-after': String(wait) },
    );
  }
}
