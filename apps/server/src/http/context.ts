/** What every route handler shares: the store, the clock, limits and counters. */
import type { ServerLimits } from '../protocol.ts';
import type { Store } from '../storage/contract.ts';
import type { LiveStreamRegistry } from './live-registry.ts';
import type { Metrics } from './metrics.ts';
import type { RateLimiter } from './rate-limit.ts';
import type { StoreHealth } from './store-health.ts';

export interface AppContext {
  store: Store;
  /** Milliseconds since the epoch; injectable so tests control expiry without sleeping. */
  now: () => number;
  /** The origin named in login challenges (known once the port is bound). */
  origin: () => string;
  /** 32 bytes: keys the fake salts of unknown usernames. */
  serverSecret: Uint8Array;
  serverVersion: string;
  limits: ServerLimits;
  sessionTtlMs: number;
  challengeTtlMs: number;
  /** How often a live stream sends a heartbeat and re-checks its session. */
  heartbeatMs: number;
  /** Open live streams one account may hold in this process (see MAX_LIVE_STREAMS_PER_ACCOUNT). */
  maxLiveStreamsPerAccount: number;
  metrics: Metrics;
  /** SHA-256 of --metrics-token; undefined: /metrics answers loopback clients only. */
  metricsTokenDigest?: Buffer | undefined;
  /** Authentication routes: one bucket per client address and username, one per address. */
  rateLimits: { perUser: RateLimiter; perAddress: RateLimiter };
  liveStreams: LiveStreamRegistry;
  /** A full disk or an unreachable database, as logs and /readyz see it. */
  storeHealth: StoreHealth;
}
