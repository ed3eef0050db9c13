/**
 * Start and stop a coffer-server: data directory, store, TLS, application,
 * listening socket, and a shutdown that drains in-flight requests before the
 * store is closed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { ServerConfig } from './config/options.ts';
import { fsReason } from './fs-reason.ts';
import { buildApp } from './http/app.ts';
import type { AppContext } from './http/context.ts';
import { LiveStreamRegistry } from './http/live-registry.ts';
import { Metrics } from './http/metrics.ts';
import { metricsTokenDigest } from './http/metrics-access.ts';
import { RateLimiter, type RateLimitRule } from './http/rate-limit.ts';
import { StoreHealth } from './http/store-health.ts';
import { type ServerLimits, WIRE_LIMITS } from './protocol.ts';
import { PUSH_BODY_BYTES } from './routes/records.ts';
import { existingServerSecret, loadServerSecret } from './server-secret.ts';
import { openPostgresStore, openSqliteStore, type Store } from './storage/index.ts';
import { sharedServerSecret } from './storage/postgres/shared-secret.ts';
import { type DataDirLock, lockDataDir } from './storage/sqlite/data-dir-lock.ts';
import { refuseForeignFile } from './storage/sqlite/foreign-check.ts';
import { SQLITE_FILE_NAME } from './storage/sqlite/sqlite-store.ts';
import { loadTls } from './tls/load-tls.ts';
import { SERVER_VERSION } from './version.ts';

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  ctx: AppContext;
  /** e.g. `https://127.0.0.1:8443` */
  url: string;
  /** SHA-256 fingerprint of the TLS certificate, or null on plain HTTP. */
  fingerprint256: string | null;
  /** One run of the periodic housekeeping (sessions, challenges, tombstone retention, idle uploads). */
  housekeeping(): Promise<void>;
  /** Stop accepting, drain in-flight requests, close the store. */
  close(): Promise<void>;
}

/** How often housekeeping runs. */
export const HOUSEKEEPING_INTERVAL_MS = 10 * 60_000;

/**
 * An unfinished upload nobody appended to for this long is deleted by
 * housekeeping and its quota freed: abandoned uploads, and those of members
 * removed from the vault (who can no longer reach the delete route), would
 * otherwise hold quota forever. A client resuming later gets 404 and starts over.
 */
export const UPLOAD_EXPIRY_MS = 24 * 3600 * 1000;

/** Test and embedding hooks that are not command-line options. */
export interface StartOverrides {
  now?: () => number;
  challengeTtlMs?: number;
  heartbeatMs?: number;
  maxLiveStreamsPerAccount?: number;
  drainDeadlineMs?: number;
  limits?: Partial<ServerLimits>;
  rateLimits?: { perUser?: RateLimitRule; perAddress?: RateLimitRule };
  /** Tests only: put a store that fails on purpose (a full disk) between the routes and the real one. */
  wrapStore?: (store: Store) => Store;
}

/**
 * How long close() waits for requests in flight before it closes their
 * connections. Node stops its own header and request timeouts once the
 * listener closes, so without a deadline one client that trickles a body (or
 * headers) would hold a SIGTERM drain open forever. 25 s fits inside the usual
 * supervisor grace periods (Kubernetes 30 s, systemd 90 s); a request cut off
 * here was never answered, so nothing it carried was acknowledged.
 */
export const DRAIN_DEADLINE_MS = 25_000;

/** Authentication attempts: 10 per address+username then one every 6 s; 120 per address then 2/s. */
export const AUTH_RATE_LIMITS = {
  perUser: { capacity: 10, refillPerSecond: 1 / 6 },
  perAddress: { capacity: 120, refillPerSecond: 2 },
} as const;

/**
 * Live streams one account may hold open at once, per instance, over all its
 * sessions. The SDK opens one per synced vault per signed-in device, so 64
 * leaves room for several devices with many vaults, and for reconnects that
 * arrive before the server has seen the old socket close; past it, every
 * stream is a socket and a database check per heartbeat that nobody needs.
 */
export const MAX_LIVE_STREAMS_PER_ACCOUNT = 64;

/** The web app next to the bundle (apps/server/dist → apps/web/dist), if built. */
function defaultWebRoot(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidate = join(here, '..', '..', 'web', 'dist');
  return existsSync(join(candidate, 'index.html')) ? candidate : undefined;
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Start a server from a validated config.
 *
 * @example
 * const server = await startServer(config, createLogger('info'));
 * process.on('SIGTERM', () => server.close());
 */
export async function startServer(
  config: ServerConfig,
  logger: Logger,
  overrides: StartOverrides = {},
): Promise<RunningServer> {
  try {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new Error(`data directory ${config.dataDir}: ${fsReason(error)}`);
  }
  // SQLite: one process per data directory (PostgreSQL instances may share one).
  const lock: DataDirLock | null = config.databaseUrl ? null : lockDataDir(config.dataDir);
  try {
    return await startLocked(config, logger, overrides, lock);
  } catch (error) {
    lock?.release();
    throw error;
  }
}

async function startLocked(
  config: ServerConfig,
  logger: Logger,
  overrides: StartOverrides,
  lock: DataDirLock | null,
): Promise<RunningServer> {
  const tls = config.insecureHttp
    ? null
    : loadTls({
        dataDir: config.dataDir,
        names: [
          ...new Set(
            ['localhost', '127.0.0.1', '::1', config.host].filter(
              (h) => h !== '0.0.0.0' && h !== '::',
            ),
          ),
        ],
        certFile: config.tlsCert,
        keyFile: config.tlsKey,
      });
  const store: Store = config.databaseUrl
    ? await openPostgresStore({ databaseUrl: config.databaseUrl })
    : await Promise.resolve()
        .then(() => refuseForeignFile(join(config.dataDir, SQLITE_FILE_NAME)))
        .then(() => openSqliteStore({ dataDir: config.dataDir }))
        .catch((error: unknown) => {
          // e.g. "file is not a database": say which file.
          const file = join(config.dataDir, SQLITE_FILE_NAME);
          throw new Error(`database ${file}: ${fsReason(error)}`);
        });

  let serverSecret: Uint8Array;
  try {
    serverSecret =
      config.databaseUrl && !config.serverSecret
        ? // Instances on one database share it without being told (an existing
          // file's secret becomes the shared one, keeping its fake salts).
          await sharedServerSecret(
            config.databaseUrl,
            existingServerSecret(config.dataDir) ?? new Uint8Array(randomBytes(32)),
          )
        : loadServerSecret(config.dataDir, config.serverSecret);
  } catch (error) {
    await store.close();
    throw error;
  }

  let origin = config.publicUrl ? new URL(config.publicUrl).origin : '';
  const limits: ServerLimits = {
    maxBodyBytes: PUSH_BODY_BYTES,
    maxRecordEnvelopeChars: WIRE_LIMITS.maxRecordEnvelopeChars,
    maxKeyEnvelopeChars: WIRE_LIMITS.maxKeyEnvelopeChars,
    maxPushBatch: WIRE_LIMITS.maxPushBatch,
    maxPullLimit: WIRE_LIMITS.maxPullLimit,
    maxBlobChunkBytes: 8 * 1024 * 1024,
    maxBlobBytes: config.maxBlobBytes,
    accountQuotaBytes: config.accountQuotaBytes,
    ...overrides.limits,
  };
  const now = overrides.now ?? Date.now;
  const ctx: AppContext = {
    store: overrides.wrapStore ? overrides.wrapStore(store) : store,
    now,
    origin: () => origin,
    serverSecret,
    serverVersion: SERVER_VERSION,
    limits,
    sessionTtlMs: config.sessionTtl * 1000,
    challengeTtlMs: overrides.challengeTtlMs ?? 60_000,
    heartbeatMs: overrides.heartbeatMs ?? 15_000,
    maxLiveStreamsPerAccount: overrides.maxLiveStreamsPerAccount ?? MAX_LIVE_STREAMS_PER_ACCOUNT,
    metrics: new Metrics(),
    metricsTokenDigest: metricsTokenDigest(config.metricsToken),
    rateLimits: {
      perUser: new RateLimiter(overrides.rateLimits?.perUser ?? AUTH_RATE_LIMITS.perUser),
      perAddress: new RateLimiter(overrides.rateLimits?.perAddress ?? AUTH_RATE_LIMITS.perAddress),
    },
    liveStreams: new LiveStreamRegistry(),
    storeHealth: new StoreHealth(now),
  };
  const webRoot = config.webRoot ?? defaultWebRoot();
  let app: FastifyInstance;
  try {
    app = await buildApp({
      ctx,
      logger,
      https: tls ? { cert: tls.cert, key: tls.key } : null,
      webRoot,
      trustProxy: config.trustProxy,
    });
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await store.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `${tls ? 'https' : 'http'}://${hostForUrl(config.host)}:${port}`;
  if (!origin) origin = url;

  // Housekeeping: expired challenges and sessions leave the store,
  // tombstones older than the retention are purged (raising each vault's
  // purge horizon: a device whose cursor is older must resync), and
  // unfinished uploads idle for UPLOAD_EXPIRY_MS are deleted.
  const retentionMs = config.tombstoneRetention * 24 * 3600 * 1000;
  const housekeeping = async (): Promise<void> => {
    const now = ctx.now();
    await store.purgeExpired(now);
    const purged = await store.purgeTombstonesBefore(Math.max(0, now - retentionMs));
    if (purged.vaults > 0) logger.info(purged, 'purged tombstones past retention');
    const uploads = await store.expireUploads(now - UPLOAD_EXPIRY_MS);
    if (uploads > 0) logger.info({ uploads }, 'expired unfinished uploads');
  };
  const timer = setInterval(() => {
    housekeeping().catch((error: unknown) => logger.warn({ err: error }, 'housekeeping failed'));
  }, HOUSEKEEPING_INTERVAL_MS);
  timer.unref();

  let closing: Promise<void> | undefined;
  return {
    app,
    store,
    ctx,
    url,
    fingerprint256: tls?.fingerprint256 ?? null,
    housekeeping,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        const deadline = setTimeout(() => {
          logger.warn('drain deadline passed: closing connections with requests still unfinished');
          app.server.closeAllConnections();
        }, overrides.drainDeadlineMs ?? DRAIN_DEADLINE_MS);
        try {
          // Fastify's close stops accepting and waits for in-flight requests.
          await app.close();
        } finally {
          clearTimeout(deadline);
        }
        await store.close();
        lock?.release();
      })();
      return closing;
    },
  };
}
