/**
 * Building problem documents, shared by everything that answers as a Coffer
 * server (coffer-server and the msw mocks), so that both send the same code,
 * status, title and `type` for the same failure and cannot drift apart.
 */
import type { z } from 'zod';
import { PROBLEM_CODES, type Problem, type ProblemCode, problemType } from './problem.ts';

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

/**
 * A failure a server answers as a problem document. Route handlers throw it;
 * the HTTP edge turns it into problem+json. The detail is for people and must
 * never carry request content, tokens or envelopes.
 *
 * @example
 * throw new ApiError('forbidden', 'readers cannot push');
 */
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

/**
 * The problem document of a code.
 *
 * @example
 * problemOf('not_found', { detail: 'no such vault' }).status // 404
 */
export function problemOf(code: ProblemCode, extra: Partial<Problem> = {}): Problem {
  return {
    type: problemType(code),
    title: TITLES[code],
    status: PROBLEM_CODES[code],
    code,
    ...extra,
  };
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
