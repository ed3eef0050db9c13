/**
 * Errors on the wire: RFC 9457 problem details (`application/problem+json`)
 * with a stable machine-readable `code`. Clients switch on `code`, never on
 * `title` or `detail`, which are for people.
 */
import { z } from 'zod';
import { lazySchema } from './lazy-schema.ts';

/** Every `code` a Coffer server can answer with, and its HTTP status. */
export const PROBLEM_CODES = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  username_taken: 409,
  resync_required: 410,
  payload_too_large: 413,
  range_not_satisfiable: 416,
  unsupported_media_type: 415,
  version_not_supported: 426,
  rate_limited: 429,
  quota_exceeded: 507,
  internal: 500,
  unavailable: 503,
} as const;

/** A stable problem code. */
export type ProblemCode = keyof typeof PROBLEM_CODES;

const codes = Object.keys(PROBLEM_CODES) as [ProblemCode, ...ProblemCode[]];

/** The `code` of a problem; unknown future codes are allowed so old clients keep parsing. */
export const ProblemCodeSchema = lazySchema(() => z.enum(codes));

/** One field-level complaint of a `validation_failed` problem. */
export const ProblemIssue = lazySchema(() =>
  z.strictObject({ path: z.string(), message: z.string() }),
);

/** An RFC 9457 problem document as Coffer servers send it. */
export const Problem = lazySchema(() =>
  z
    .object({
      type: z.string(),
      title: z.string(),
      status: z.int().min(400).max(599),
      code: z.string(),
      detail: z.string().optional(),
      instance: z.string().optional(),
      issues: z.array(ProblemIssue).optional(),
      /** For `version_not_supported`: the protocol range the server accepts. */
      protocol: z.strictObject({ min: z.int(), max: z.int() }).optional(),
      /** For `rate_limited`: seconds until a retry may succeed. */
      retryAfterSeconds: z.int().optional(),
    })
    .meta({ id: 'Problem', description: 'RFC 9457 problem details with a stable `code`' }),
);
export type Problem = z.infer<typeof Problem>;

/**
 * The `type` URI of a problem code (a stable, dereferenceable-looking name).
 *
 * @example
 * problemType('not_found') // 'urn:coffer:problem:not_found'
 */
export function problemType(code: string): string {
  return `urn:coffer:problem:${code}`;
}

/** The media type of a problem document. */
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';
