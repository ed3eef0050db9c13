/**
 * A pull answer in either encoding. A client asks for the binary pull page
 * (`@coffer/protocol`'s pull-page-binary.ts: envelopes as bytes, no JSON
 * or base64 to parse) and takes JSON from a server that does not know it;
 * the `Content-Type` of the answer decides which parser reads it. Both are
 * the edge parser of their encoding: anything off is an InvalidResponseError.
 */
import { decodeBinaryPullPage, PULL_PAGE_BINARY_TYPE, SchemaError } from '@coffer/protocol';
import { InvalidResponseError } from './errors.ts';
import type { PulledPage } from './transport.ts';

/** `Accept` of a pull that reads binary pages (JSON still welcome, problems always). */
export const BINARY_PULL_ACCEPT = `${PULL_PAGE_BINARY_TYPE}, application/json;q=0.9, application/problem+json`;

/**
 * True when a `Content-Type` names the binary pull page.
 *
 * @example
 * isBinaryPullPage(response.headers.get('content-type'))
 */
export function isBinaryPullPage(contentType: string | string[] | null | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return value?.split(';')[0]?.trim().toLowerCase() === PULL_PAGE_BINARY_TYPE;
}

/**
 * Decode a binary pull page; `what` names the request in the error.
 *
 * @example
 * const page = readBinaryPullPage(bytes, 'GET /v1/vaults/…/changes');
 */
export function readBinaryPullPage(bytes: Uint8Array, what: string): PulledPage {
  try {
    return decodeBinaryPullPage(bytes);
  } catch (error) {
    if (error instanceof SchemaError) {
      throw new InvalidResponseError(`${what}: answer does not match the protocol`);
    }
    throw error;
  }
}
