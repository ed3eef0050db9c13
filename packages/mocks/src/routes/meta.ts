/** `GET /v1/meta` and the operations routes (health, readiness, metrics, OpenAPI, docs). */
import {
  ACCOUNT_EVENTS_FEATURE,
  buildOpenApiDocument,
  ENVELOPE_FORMAT_VERSIONS,
  ENVELOPE_SUITES,
  type MetaResponse,
  type ServerLimits,
  WIRE_LIMITS,
} from '@coffer/protocol';
import { HttpResponse } from 'msw';
import { PUSH_BODY_BYTES } from '../http/body.ts';
import type { RouteDef } from '../http/route.ts';

/** The mock's limits: the server's defaults. */
export const MOCK_LIMITS: ServerLimits = {
  maxBodyBytes: PUSH_BODY_BYTES,
  maxRecordEnvelopeChars: WIRE_LIMITS.maxRecordEnvelopeChars,
  maxKeyEnvelopeChars: WIRE_LIMITS.maxKeyEnvelopeChars,
  maxPushBatch: WIRE_LIMITS.maxPushBatch,
  maxPullLimit: WIRE_LIMITS.maxPullLimit,
  maxBlobChunkBytes: 8 * 1024 * 1024,
  maxBlobBytes: 1024 ** 3,
  accountQuotaBytes: 10 * 1024 ** 3,
};

/** Version the mock reports as its server version. */
export const MOCK_SERVER_VERSION = '0.0.0-mock';

const text = (body: string, type = 'text/plain') =>
  new Response(body, { status: 200, headers: { 'content-type': type } });

export const metaRoutes: RouteDef[] = [
  {
    operationId: 'getMeta',
    handle: ({ mock, url }) => {
      const { min, max } = mock.protocolRange;
      const accepted: number[] = [];
      for (let v = max; v >= min; v--) accepted.push(v);
      const meta: MetaResponse = {
        server: { name: 'coffer-server', version: MOCK_SERVER_VERSION },
        protocol: { current: max, min, accepted },
        envelope: {
          versions: [...ENVELOPE_FORMAT_VERSIONS],
          suites: ENVELOPE_SUITES.map((s) => ({ id: s.id, name: s.name })),
        },
        limits: MOCK_LIMITS,
      };
      // As the server: only to a client that asks (older ones parse meta strictly).
      // An old server (`noAccountEvents`) has no such field at all.
      if (url.searchParams.get('features') === '1' && !mock.scenario.scenario.noAccountEvents) {
        meta.features = [ACCOUNT_EVENTS_FEATURE];
      }
      return HttpResponse.json(meta);
    },
  },
  { operationId: 'health', handle: () => text('ok\n') },
  { operationId: 'ready', handle: () => text('ready\n') },
  {
    operationId: 'metrics',
    handle: ({ mock }) =>
      text(
        `# TYPE coffer_mock_requests_total counter\ncoffer_mock_requests_total ${mock.requests.length}\n`,
        'text/plain; version=0.0.4; charset=utf-8',
      ),
  },
  {
    operationId: 'openapi',
    handle: () => HttpResponse.json(buildOpenApiDocument({ version: MOCK_SERVER_VERSION })),
  },
  {
    operationId: 'docs',
    handle: () =>
      text('<!doctype html><title>Coffer API (mock)</title>', 'text/html; charset=utf-8'),
  },
];
