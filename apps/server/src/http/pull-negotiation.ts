/**
 * Which encoding a pull answer uses. A client that reads the binary page
 * (`@coffer/protocol`'s pull-page-binary.ts) names its media type in
 * `Accept`; every other client (older SDKs, curl, browsers' own requests)
 * gets the JSON `PullResponse` as before, byte for byte.
 */
import { PULL_PAGE_BINARY_TYPE } from '../protocol.ts';

/**
 * True when `accept` lists the binary pull page with a non-zero quality.
 *
 * @example
 * wantsBinaryPullPage('application/vnd.coffer.pull-page.v1, application/json') // true
 */
export function wantsBinaryPullPage(accept: string | undefined): boolean {
  if (!accept) return false;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';');
    if (type?.trim().toLowerCase() !== PULL_PAGE_BINARY_TYPE) continue;
    const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}
