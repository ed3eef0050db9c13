/**
 * Request bodies as the server's HTTP layer sees them: JSON, plain text or raw
 * bytes by Content-Type, a per-route size limit, and the same refusals (empty
 * or malformed JSON, prototype poisoning, unknown media types) with the same
 * problem codes. Parsing happens before authentication, as on the server.
 */
import { ApiError } from './problem.ts';

/** Default body limit of the server's JSON routes. */
export const SMALL_BODY_BYTES = 256 * 1024;
/** Push bodies may be larger. */
export const PUSH_BODY_BYTES = 8 * 1024 * 1024;
/** Member, epoch and grant bodies (many grants) may be larger. */
export const GRANTS_BODY_BYTES = 4 * 1024 * 1024;

/** A parsed body: JSON value, text, bytes, or nothing. */
export type ParsedBody =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; value: string }
  | { kind: 'bytes'; value: Uint8Array };

function refusePoisoning(key: string, value: unknown): unknown {
  // Same stance as the server's JSON parser (onProtoPoisoning/onConstructorPoisoning: 'error').
  if (key === '__proto__') throw new ApiError('bad_request', 'malformed request');
  if (key === 'constructor' && value !== null && typeof value === 'object' && 'prototype' in value)
    throw new ApiError('bad_request', 'malformed request');
  return value;
}

/**
 * Read and parse a request body.
 *
 * @example
 * const body = await readBody(request, SMALL_BODY_BYTES);
 */
export async function readBody(request: Request, limit: number): Promise<ParsedBody> {
  if (request.method === 'GET' || request.method === 'HEAD') return { kind: 'none' };
  const contentType = (request.headers.get('content-type') ?? '').toLowerCase();
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (!contentType) {
    if (bytes.length === 0) return { kind: 'none' };
    throw new ApiError('unsupported_media_type', 'unsupported Content-Type');
  }
  const media = contentType.split(';')[0]?.trim() ?? '';
  if (
    media !== 'application/json' &&
    media !== 'text/plain' &&
    media !== 'application/octet-stream'
  )
    throw new ApiError('unsupported_media_type', 'unsupported Content-Type');
  if (bytes.length > limit) throw new ApiError('payload_too_large', 'request body too large');
  if (media === 'application/octet-stream') return { kind: 'bytes', value: bytes };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError('bad_request', 'malformed request');
  }
  if (media === 'text/plain') return { kind: 'text', value: text };
  if (text.trim() === '') throw new ApiError('bad_request', 'empty JSON body');
  try {
    return { kind: 'json', value: JSON.parse(text, refusePoisoning) };
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError('bad_request', 'malformed request');
  }
}

/** The body as the value a route's schema sees (bytes and text fail JSON schemas, as on the server). */
export function bodyValue(body: ParsedBody): unknown {
  return body.kind === 'none' ? undefined : body.value;
}
