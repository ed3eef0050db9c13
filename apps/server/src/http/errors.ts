/**
 * Every failure leaves the server as RFC 9457 problem+json with a stable
 * `code`. Details are written for people and never carry request content,
 * tokens, envelopes or internals (stack traces, SQL, driver messages).
 */

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, PROBLEM_MEDIA_TYPE, type ProblemCode, problemOf } from '../protocol.ts';
import { StorageError } from '../storage/contract.ts';
import { storeTrouble } from '../storage/unavailable.ts';
import type { StoreHealth } from './store-health.ts';

// The problem-building pieces live in the protocol package, shared with the
// mocks so both answer identically; re-exported for the routes.
export {
  ApiError,
  parseInput,
  problemOf,
  unauthorized,
  vaultNotFound,
  zodIssues,
} from '../protocol.ts';

/** Send a problem document. */
export function sendProblem(reply: FastifyReply, error: ApiError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply.code(error.status).type(PROBLEM_MEDIA_TYPE).send(problemOf(error.code, error.extra));
}

const STORAGE_CODES: Partial<Record<StorageError['code'], ProblemCode>> = {
  username_taken: 'username_taken',
  already_exists: 'conflict',
  already_member: 'conflict',
  epoch_conflict: 'conflict',
  not_found: 'not_found',
  quota_exceeded: 'quota_exceeded',
  upload_offset_mismatch: 'conflict',
  upload_too_large: 'payload_too_large',
  upload_incomplete: 'conflict',
  upload_completed: 'conflict',
  invalid_argument: 'validation_failed',
};

/** Map anything thrown by a handler to an {@link ApiError}. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StorageError) {
    // Storage messages are written for clients (no bytes, no SQL); keep them.
    return new ApiError(STORAGE_CODES[error.code] ?? 'internal', error.message);
  }
  const trouble = storeTrouble(error);
  if (trouble === 'out_of_space') {
    return new ApiError(
      'unavailable',
      'the server is out of storage space; retry later',
      {},
      { 'retry-after': '60' },
    );
  }
  if (trouble === 'unreachable') {
    return new ApiError(
      'unavailable',
      'the server cannot reach its database; retry shortly',
      {},
      { 'retry-after': '5' },
    );
  }
  const fe = error as Partial<FastifyError> & { status?: number };
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('payload_too_large', 'request body too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupported_media_type', 'unsupported Content-Type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('bad_request', 'empty JSON body');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('bad_request', 'Content-Length does not match the body');
    default:
      break;
  }
  if (error instanceof SyntaxError || fe.statusCode === 400) {
    // Malformed JSON, prototype poisoning, bad URL encoding: the parser's message may quote input.
    return new ApiError('bad_request', 'malformed request');
  }
  if (fe.statusCode === 413) return new ApiError('payload_too_large', 'request body too large');
  if (fe.statusCode === 415)
    return new ApiError('unsupported_media_type', 'unsupported Content-Type');
  if (fe.statusCode === 408) return new ApiError('bad_request', 'request timed out');
  return new ApiError('internal', 'internal error');
}

/**
 * Fastify error handler: problem+json for everything, internal errors logged
 * (redacted). Passing store trouble goes to `storeHealth` instead: one line
 * per window, no stack (see store-health.ts).
 */
export function errorHandler(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  storeHealth: StoreHealth,
): FastifyReply {
  const trouble = storeTrouble(error);
  if (trouble !== null) {
    storeHealth.failed(trouble, request.log);
    return sendProblem(reply, toApiError(error));
  }
  const apiError = toApiError(error);
  // Logged: what the server did not answer on purpose (a bug, a failing
  // store). Not an answer it chose: a quota reached (507), a drain (503).
  const chosen =
    apiError.code !== 'internal' && (error instanceof ApiError || error instanceof StorageError);
  if (apiError.status >= 500 && !chosen) request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, apiError);
}
