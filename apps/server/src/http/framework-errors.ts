/**
 * Failures Fastify and Node answer on their own, before any route or hook
 * runs: a URL the router cannot decode, a path parameter over the length
 * limit, and HTTP that does not parse (duplicate Content-Length, bad header
 * bytes, headers too large, a request timeout). Their built-in answers are
 * plain JSON that quotes the URL, and Fastify logs the raw request bytes,
 * Authorization header included, at trace level. Here they are problem
 * documents like every other failure, and only the error code is logged.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, PROBLEM_MEDIA_TYPE, problemOf } from '../protocol.ts';
import { sendProblem } from './errors.ts';
import { CONTENT_SECURITY_POLICY, setSecurityHeaders } from './security-headers.ts';

/**
 * Fastify's `frameworkErrors` option: router failures as problem documents.
 * An over-long id names nothing, so it is `not_found` like any wrong id.
 *
 * @example
 * Fastify({ frameworkErrors: frameworkErrorHandler(true) })
 */
export function frameworkErrorHandler(tls: boolean) {
  return (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void => {
    setSecurityHeaders(reply, tls, true);
    const problem =
      error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? new ApiError('not_found', 'no such resource')
        : new ApiError('bad_request', 'malformed request URL');
    sendProblem(reply, problem);
  };
}

/** A bad_request problem as a body and the headers it goes with. */
function rawProblem(detail: string): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(problemOf('bad_request', { detail }));
  return {
    body,
    headers: {
      'Content-Type': `${PROBLEM_MEDIA_TYPE}; charset=utf-8`,
      'Content-Length': String(Buffer.byteLength(body)),
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      Connection: 'close',
    },
  };
}

function rawResponse(error: { code?: string }): string {
  const { body, headers } = rawProblem(
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'request headers too large'
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 'request timed out'
        : 'malformed HTTP request',
  );
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return ['HTTP/1.1 400 Bad Request', ...lines, '', body].join('\r\n');
}

/**
 * Node's `checkExpectation` event: an `Expect` other than `100-continue`,
 * which Node would answer with an empty 417.
 *
 * @example
 * app.server.on('checkExpectation', refuseExpectation);
 */
export function refuseExpectation(_request: IncomingMessage, response: ServerResponse): void {
  const { body, headers } = rawProblem('the only Expect this server meets is 100-continue');
  response.writeHead(400, headers);
  response.end(body);
}

/**
 * Fastify's `clientErrorHandler` option (Node's `clientError` event): answer
 * once if the socket still takes it, then drop the connection. Never log the
 * error object: Node attaches the raw request bytes to it.
 *
 * @example
 * Fastify({ clientErrorHandler: clientErrorHandler(logger) })
 */
export function clientErrorHandler(log: FastifyBaseLogger) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    log.debug({ code: error.code ?? 'unknown' }, 'client error');
    if (socket.writable) socket.end(rawResponse(error), () => socket.destroy());
    else socket.destroy();
  };
}
