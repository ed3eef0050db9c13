/**
 * `GET /v1/meta`: what this server speaks, before a client sends anything
 * else; with `?features=1` also the optional capabilities it has.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/context.ts';
import {
  ACCOUNT_EVENTS_FEATURE,
  ENVELOPE_FORMAT_VERSIONS,
  ENVELOPE_SUITES,
  type MetaResponse,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
} from '../protocol.ts';

export function metaRoutes(app: FastifyInstance, ctx: AppContext): void {
  const accepted: number[] = [];
  for (let v = PROTOCOL_VERSION; v >= MIN_PROTOCOL_VERSION; v--) accepted.push(v);
  const meta: MetaResponse = {
    server: { name: 'coffer-server', version: ctx.serverVersion },
    protocol: { current: PROTOCOL_VERSION, min: MIN_PROTOCOL_VERSION, accepted },
    envelope: {
      versions: [...ENVELOPE_FORMAT_VERSIONS],
      suites: ENVELOPE_SUITES.map((s) => ({ id: s.id, name: s.name })),
    },
    limits: ctx.limits,
  };
  // Only for clients that ask: older ones parse this answer strictly and
  // would refuse the field (wire-compat.test.ts).
  const withFeatures: MetaResponse = { ...meta, features: [ACCOUNT_EVENTS_FEATURE] };
  app.get<{ Querystring: { features?: string } }>('/v1/meta', async (request) =>
    request.query.features === '1' ? withFeatures : meta,
  );
}
