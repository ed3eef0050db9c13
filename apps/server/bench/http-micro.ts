/**
 * The HTTP side of a push alone: everything the server does for a push of
 * 100 x 1 KiB envelopes except the storage work (body read, JSON parse, zod,
 * armor decode, envelope header checks, hooks, auth, response, request log
 * line, metrics), in process through Fastify's `inject` against a store that
 * answers at once. No sockets and no TLS, so it measures the server's own
 * code, not the machine's network stack; CPU µs per record, with Fastify's
 * default JSON parser measured in the same run as the baseline.
 * `node --conditions=@coffer/source bench/http-micro.ts [seconds]`
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { hashToken } from '../src/auth/tokens.ts';
import { buildApp } from '../src/http/app.ts';
import type { AppContext } from '../src/http/context.ts';
import { LiveStreamRegistry } from '../src/http/live-registry.ts';
import { Metrics } from '../src/http/metrics.ts';
import { RateLimiter } from '../src/http/rate-limit.ts';
import { StoreHealth } from '../src/http/store-health.ts';
import { createLogger } from '../src/logger.ts';
import { WIRE_LIMITS } from '../src/protocol.ts';
import type { Mutation, MutationOutcome, Store } from '../src/storage/contract.ts';
import { newHexId } from '../test/support/accounts.ts';
import { pushBodyMaker } from './push-bodies.ts';

const accountId = newHexId();
const vaultId = newHexId();
const token = randomBytes(32).toString('base64url');
let seq = 0;
const session = {
  sessionId: newHexId(),
  accountId,
  tokenHash: hashToken(token),
  createdAt: Date.now(),
  expiresAt: Date.now() + 3600_000,
  clientLabel: 'micro',
  lastSeenAt: Date.now(),
  revokedAt: null,
};
const answers: Partial<Store> = {
  engine: 'sqlite',
  findSessionByTokenHash: async () => session,
  touchSession: async () => {},
  getMembership: async () => 'owner',
  getVault: async () => ({ vaultId, createdAt: 0, currentEpoch: 1, headSeq: seq, purgeHorizon: 0 }),
  pushMutations: async (_v: string, _a: string, mutations: Mutation[]) =>
    mutations.map(
      (m): MutationOutcome => ({
        status: 'applied',
        mutationId: m.mutationId,
        recordId: m.recordId,
        revision: 1,
        seq: ++seq,
      }),
    ),
};
const store = new Proxy(answers, {
  get(target, name) {
    if (name in target) return target[name as keyof Store];
    throw new Error(`the micro bench store has no ${String(name)}`);
  },
}) as Store;

const ctx: AppContext = {
  store,
  now: Date.now,
  origin: () => 'https://localhost',
  serverSecret: new Uint8Array(32),
  serverVersion: 'micro',
  limits: {
    maxBodyBytes: 8 * 1024 * 1024,
    maxRecordEnvelopeChars: WIRE_LIMITS.maxRecordEnvelopeChars,
    maxKeyEnvelopeChars: WIRE_LIMITS.maxKeyEnvelopeChars,
    maxPushBatch: WIRE_LIMITS.maxPushBatch,
    maxPullLimit: WIRE_LIMITS.maxPullLimit,
    maxBlobChunkBytes: 8 * 1024 * 1024,
    maxBlobBytes: 1024 ** 3,
    accountQuotaBytes: 1024 ** 3,
  },
  sessionTtlMs: 3600_000,
  challengeTtlMs: 60_000,
  heartbeatMs: 15_000,
  maxLiveStreamsPerAccount: 64,
  metrics: new Metrics(),
  rateLimits: {
    perUser: new RateLimiter({ capacity: 10, refillPerSecond: 1 }),
    perAddress: new RateLimiter({ capacity: 10, refillPerSecond: 1 }),
  },
  liveStreams: new LiveStreamRegistry(),
  storeHealth: new StoreHealth(Date.now),
};
// Info logging, as an operator runs it: one line per request, written in
// blocks of 4 KiB (like the server's stdout) to nowhere.
const logger = createLogger(
  'info',
  pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 }),
);

async function app(fastifyDefaultJson: boolean): Promise<FastifyInstance> {
  const built = await buildApp({ ctx, logger, https: null });
  if (fastifyDefaultJson) {
    built.removeContentTypeParser('application/json');
    built.addContentTypeParser(
      'application/json',
      { parseAs: 'string' },
      built.getDefaultJsonParser('error', 'error'),
    );
  }
  await built.ready();
  return built;
}

const pushBody = await pushBodyMaker(vaultId);
const body = (): Buffer => Buffer.from(pushBody(100));
const bodies = Array.from({ length: 200 }, body);
const headers = {
  'coffer-protocol': '1',
  'coffer-client': 'micro/0',
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
};

const ms = Number(process.argv[2] ?? 3) * 1000;
const apps = { 'this server': await app(false), "Fastify's default JSON parser": await app(true) };

/** CPU µs per record of `server` pushing back to back for `duration` ms. */
async function measure(server: FastifyInstance, duration: number): Promise<number> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let pushes = 0;
  while (performance.now() - t0 < duration) {
    const res = await server.inject({
      method: 'POST',
      url: `/v1/vaults/${vaultId}/push`,
      headers,
      payload: bodies[pushes % bodies.length] as Buffer,
    });
    if (res.statusCode !== 200) throw new Error(`push answered ${res.statusCode}: ${res.body}`);
    pushes++;
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / (pushes * 100);
}

// Warm-up (JIT) first; then rounds alternate so a busy machine hits both alike.
for (const server of Object.values(apps)) await measure(server, 1000);
const figures = new Map<string, number[]>(Object.keys(apps).map((name) => [name, []]));
for (let round = 0; round < 3; round++) {
  for (const [name, server] of Object.entries(apps))
    figures.get(name)?.push(await measure(server, ms / 3));
}
for (const [name, values] of figures) {
  const sorted = [...values].sort((a, b) => a - b);
  console.log(
    `${name}: ${sorted[1]?.toFixed(2)} µs CPU per record (median of 3 rounds: ${values.map((v) => v.toFixed(2)).join(', ')})`,
  );
}
for (const server of Object.values(apps)) await server.close();
