/**
 * The Fastify application: hooks (versions, security headers, metrics), the
 * problem+json error path, limits and timeouts set on purpose, and every route.
 */
import Fastify, { errorCodes, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { accountRoutes } from '../routes/account.ts';
import { authRoutes } from '../routes/auth.ts';
import { BLOB_CHUNK_ROUTE, blobRoutes } from '../routes/blobs.ts';
import { liveRoutes } from '../routes/live.ts';
import { metaRoutes } from '../routes/meta.ts';
import { opsRoutes } from '../routes/ops.ts';
import { recordRoutes } from '../routes/records.ts';
import { vaultRoutes } from '../routes/vaults.ts';
import type { AppContext } from './context.ts';
import { ApiError, errorHandler } from './errors.ts';
import {
  clientErrorHandler,
  frameworkErrorHandler,
  refuseExpectation,
} from './framework-errors.ts';
import { parseJsonBody } from './json-body.ts';
import { OneLineRequestLog } from './request-log.ts';
import { securityHeaders } from './security-headers.ts';
import { staticFiles } from './static-files.ts';
import { versionHook } from './version-hook.ts';

/** Largest body of a JSON route that is not push or grants. */
export const SMALL_BODY_BYTES = 256 * 1024;

export interface AppOptions {
  ctx: AppContext;
  logger: FastifyBaseLogger;
  https: { cert: string; key: string } | null;
  webRoot?: string | undefined;
  trustProxy?: boolean;
}

/**
 * Build (but do not start) the server application.
 *
 * @example
 * const app = await buildApp({ ctx, logger, https: { cert, key } });
 * await app.listen({ port: 8443, host: '127.0.0.1' });
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { ctx } = options;
  const app = Fastify({
    loggerInstance: options.logger,
    // Node answers a missing Host itself with an empty 400; the hook below
    // answers it as a problem document instead.
    ...(options.https
      ? {
          https: {
            cert: options.https.cert,
            key: options.https.key,
            requireHostHeader: false,
          },
        }
      : { http: { requireHostHeader: false } }),
    // One hop: the address our proxy appended (the last X-Forwarded-For
    // entry). `true` would take the first entry, which the client writes
    // itself: "X-Forwarded-For: 127.0.0.1" would pass as loopback for
    // /metrics, and a new made-up address per request would dodge the
    // authentication rate limits.
    // (proxy-addr's hop count 1: trust the socket peer, hop 0, and no further.)
    trustProxy: options.trustProxy ? (_address: string, hop: number) => hop < 1 : false,
    bodyLimit: SMALL_BODY_BYTES,
    // Fastify leaves these open by default; a slow client must not hold a socket forever.
    connectionTimeout: 120_000,
    requestTimeout: 120_000,
    keepAliveTimeout: 10_000,
    maxRequestsPerSocket: 10_000,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Our own onRequest guard answers 503 as problem+json instead (below).
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 128, ignoreTrailingSlash: false },
    // Router and HTTP parser failures are problem documents too (framework-errors.ts).
    frameworkErrors: frameworkErrorHandler(options.https !== null),
    clientErrorHandler: clientErrorHandler(options.logger),
    // One log line per request instead of Fastify's two.
    logController: new OneLineRequestLog(),
  }) as unknown as FastifyInstance;

  app.server.on('checkExpectation', refuseExpectation);
  app.decorateRequest('caller', null);
  app.setErrorHandler((error, request, reply) =>
    errorHandler(error, request, reply, ctx.storeHealth),
  );
  app.setNotFoundHandler(async () => {
    throw new ApiError('not_found', 'no such route');
  });
  app.addHook('onRequest', securityHeaders(options.https !== null));
  app.addHook('onRequest', async (request) => {
    // RFC 9112: an HTTP/1.1 request without Host is refused.
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined)
      throw new ApiError('bad_request', 'send the Host header');
  });
  // Requests that still arrive on open connections while the server drains
  // get a problem document and `Connection: close`, so clients retry
  // elsewhere or later; requests already in flight are answered normally.
  let closing = false;
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close');
    throw new ApiError(
      'unavailable',
      'the server is shutting down; retry shortly',
      {},
      {
        'retry-after': '5',
      },
    );
  });
  app.addHook('onRequest', versionHook);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? '(unmatched)';
    ctx.metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  });
  // Fastify's answers without its whole-text scan for poisoned keys (json-body.ts).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJsonBody);
  // Every other route reads JSON: Fastify's default text/plain parser would
  // hand them a string, answered as a confusing validation failure.
  app.removeContentTypeParser('text/plain');
  // Raw bytes for blob chunks only (the route sets its own limit): on a JSON
  // route a Buffer would reach the schema, whose answer listed Buffer's methods.
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer' },
    (request, body, done) => {
      if (request.routeOptions.url === BLOB_CHUNK_ROUTE) done(null, body);
      else done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('application/octet-stream'));
    },
  );

  metaRoutes(app, ctx);
  authRoutes(app, ctx);
  accountRoutes(app, ctx);
  vaultRoutes(app, ctx);
  recordRoutes(app, ctx);
  liveRoutes(app, ctx);
  blobRoutes(app, ctx);
  opsRoutes(app, ctx);
  if (options.webRoot) staticFiles(app, options.webRoot);
  app.addHook('preClose', async () => {
    closing = true;
    // Live streams never end on their own: end them so close() can drain.
    ctx.liveStreams.closeAll();
  });
  return app;
}
