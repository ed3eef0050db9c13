/**
 * Every API request names its protocol version and client. Outside the
 * accepted range the answer is 426 `version_not_supported`, saying which side
 * to upgrade.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CLIENT_HEADER,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  parseClientHeader,
} from '../protocol.ts';
import { ApiError } from './errors.ts';

const RANGE = { min: MIN_PROTOCOL_VERSION, max: PROTOCOL_VERSION };

/**
 * An API request by its raw URL or by the route it matched: the router
 * decodes `/%761/vaults` to `/v1/vaults`, and such a request must not skip
 * the version check or the API headers.
 */
export function isApiRequest(request: FastifyRequest): boolean {
  return request.url.startsWith('/v1/') || (request.routeOptions.url ?? '').startsWith('/v1/');
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * onRequest hook for `/v1/*`: checks `Coffer-Protocol` and `Coffer-Client`
 * (both optional on `GET /v1/meta`, which clients call to find out).
 */
export async function versionHook(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (!isApiRequest(request)) return;
  const route = request.routeOptions.url;
  const isMeta = route === '/v1/meta';
  const protocol = headerValue(request, PROTOCOL_HEADER);
  if (protocol === undefined) {
    if (isMeta) return;
    throw new ApiError(
      'version_not_supported',
      `send the header Coffer-Protocol: ${PROTOCOL_VERSION} (this server accepts ${RANGE.min}..${RANGE.max})`,
      { protocol: RANGE },
    );
  }
  const version = /^[0-9]{1,6}$/.test(protocol) ? Number(protocol) : Number.NaN;
  if (Number.isNaN(version)) {
    // "1.0", "v1", or the header sent twice ("1, 2"): no side to upgrade, the value is wrong.
    throw new ApiError(
      'version_not_supported',
      `send Coffer-Protocol once, as a whole number such as ${PROTOCOL_VERSION} (this server accepts ${RANGE.min}..${RANGE.max})`,
      { protocol: RANGE },
    );
  }
  if (!(version >= RANGE.min && version <= RANGE.max)) {
    const advice =
      version > RANGE.max
        ? 'this server is older than your client: upgrade the server'
        : 'your client is too old for this server: upgrade the client';
    throw new ApiError(
      'version_not_supported',
      `protocol version ${version} is not supported; this server accepts ${RANGE.min}..${RANGE.max}; ${advice}`,
      { protocol: RANGE },
    );
  }
  const client = headerValue(request, CLIENT_HEADER);
  if (client === undefined && isMeta) return;
  if (!parseClientHeader(client)) {
    throw new ApiError('bad_request', 'send the header Coffer-Client: <app>/<version>');
  }
}
