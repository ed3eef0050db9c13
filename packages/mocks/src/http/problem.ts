/**
 * Problem+json answers exactly as the real server sends them: the same
 * `code`, status, title and `type`; details never echo request content.
 */
import { ApiError, PROBLEM_MEDIA_TYPE, problemOf } from '@coffer/protocol';

// Shared with coffer-server through the protocol package, so both answer the
// same failure identically; re-exported for the mock's routes.
export { ApiError, parseInput, problemOf, unauthorized, vaultNotFound } from '@coffer/protocol';

/** An {@link ApiError} as a fetch Response. */
export function problemResponse(error: ApiError): Response {
  return new Response(JSON.stringify(problemOf(error.code, error.extra)), {
    status: error.status,
    headers: { 'content-type': PROBLEM_MEDIA_TYPE, ...error.headers },
  });
}

/** Anything thrown by a handler, as an ApiError (unexpected errors are `internal`). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('internal', 'internal error');
}
