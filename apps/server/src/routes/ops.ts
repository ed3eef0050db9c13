/**
 * Operations: liveness, readiness (the store answers), Prometheus metrics, the
 * OpenAPI document and a human-readable API page, both generated from the
 * protocol's route catalog and zod schemas.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { checkMetricsAccess } from '../http/metrics-access.ts';
import { buildOpenApiDocument, ROUTES } from '../protocol.ts';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function docsPage(version: string): string {
  const rows = ROUTES.map(
    (r) =>
      `<tr><td class="m">${r.method}</td><td><code>${escapeHtml(r.path)}</code></td><td>${r.auth ? 'session' : '—'}</td><td>${escapeHtml(r.summary)}</td></tr>`,
  ).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Coffer API ${escapeHtml(version)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/docs.css"></head>
<body><h1>Coffer replication API</h1>
<p>Server ${escapeHtml(version)}. Every <code>/v1</code> request sends <code>Coffer-Protocol</code> and <code>Coffer-Client: &lt;app&gt;/&lt;version&gt;</code>; authenticated routes send <code>Authorization: Bearer &lt;token&gt;</code>. Errors are <code>application/problem+json</code> with a stable <code>code</code>. Schemas: <a href="/openapi.json">openapi.json</a>.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>Auth</th><th>What</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>
`;
}

const DOCS_CSS = `body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
td.m{font-weight:600;font-family:monospace}code{font-size:.95em}`;

export function opsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/healthz', async (_request, reply) => reply.type('text/plain').send('ok\n'));

  app.get('/readyz', async (request, reply) => {
    try {
      await ctx.store.ping();
    } catch (error) {
      request.log.warn({ err: error }, 'store not reachable');
      throw new ApiError('unavailable', 'the store is not reachable');
    }
    // Reads still work on a full disk; writes do not, so take no more of them for a while.
    if (ctx.storeHealth.outOfSpaceRecently())
      throw new ApiError(
        'unavailable',
        'the server is out of storage space',
        {},
        { 'retry-after': '30' },
      );
    return reply.type('text/plain').send('ready\n');
  });

  app.get('/metrics', async (request, reply) => {
    checkMetricsAccess(request, ctx.metricsTokenDigest);
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(ctx.metrics.render());
  });

  const openapi = JSON.stringify(buildOpenApiDocument({ version: ctx.serverVersion }));
  app.get('/openapi.json', async (_request, reply) => reply.type('application/json').send(openapi));

  const page = docsPage(ctx.serverVersion);
  app.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
  app.get('/docs.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').send(DOCS_CSS),
  );
}
