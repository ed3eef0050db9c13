/**
 * Every failure leaves the server as RFC 9457 problem+json with a stable
 * `code`. Details are written for people and never carry request content,
 * tokens, envelopes or internals (stack traces, SQL, driver messages).
 */

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  PROBLEM_CODES,
  PROBLEM_MEDIA_TYPE,
  type Problem,
  type ProblemCode,
  problemType,
} from '../protocol.ts';
import { StorageError } from '../storage/contract.ts';

const TITLES: Record<ProblemCode, string> = {
  bad_request: 'Bad request',
  validation_failed: 'Validation failed',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict',
  username_taken: 'Username taken',
  resync_required: 'Resync required',
  payload_too_large: 'Payload too large',
  range_not_satisfiable: 'Range not satisfiable',
  unsupported_media_type: 'Unsupported media type',
  version_not_supported: 'Protocol version not supported',
  rate_limited: 'Too many requests',
  quota_exceeded: 'Quota exceeded',
  internal: 'Internal error',
  unavailable: 'Service unavailable',
};

/** An error the HTTP layer answers as a problem document. */
export class ApiError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly extra: Partial<Problem>;
  readonly headers: Record<string, string>;
  constructor(
    code: ProblemCode,
    detail?: string,
    extra: Partial<Problem> = {},
    headers: Record<string, string> = {},
  ) {
    super(detail ?? TITLES[code]);
    this.code = code;
    this.status = PROBLEM_CODES[code];
    this.extra = detail === undefined ? extra : { ...extra, detail };
    this.headers = headers;
  }
}

/** The uniform answer for every authentication failure (no oracle). */
export const unauthorized = (): ApiError =>
  new ApiError('unauthorized', 'missing, invalid, expired or revoked credentials');

/** The uniform answer for a vault the caller may not see (no existence leak). */
export const vaultNotFound = (): ApiError => new ApiError('not_found', 'no such vault');

/** Build the problem document of a code. */
export function problemOf(code: ProblemCode, extra: Partial<Problem> = {}): Problem {
  return {
    type: problemType(code),
    title: TITLES[code],
    status: PROBLEM_CODES[code],
    code,
    ...extra,
  };
}

/** Send a problem document. */
export function sendProblem(reply: FastifyReply, error: ApiError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  return reply.code(error.status).type(PROBLEM_MEDIA_TYPE).send(problemOf(error.code, error.extra));
}

/** Zod issues as problem issues: paths and messages only, never the offending input. */
export function zodIssues(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/**
 * Parse untrusted input once, at the edge: a typed value or a
 * `validation_failed` problem listing what is wrong.
 *
 * @example
 * const body = parseInput(SignupRequest, request.body);
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where = 'body',
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ApiError('validation_failed', `the request ${where} does not match the schema`, {
    issues: zodIssues(result.error),
  });
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

/** Fastify error handler: problem+json for everything, internal errors logged (redacted). */
export function errorHandler(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const apiError = toApiError(error);
  if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, apiError);
}
