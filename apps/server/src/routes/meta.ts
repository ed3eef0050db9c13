/** `GET /v1/meta`: what this server speaks, before a client sends anything else. */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../http/context.ts';
import {
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
  app.get('/v1/meta', async () => meta);
}
