/**
 * A real coffer-server for tests: in-process, HTTPS on 127.0.0.1 with the
 * self-signed certificate it creates, pinned by an undici dispatcher whose
 * only trusted CA is that certificate. Logs are captured for inspection.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { Agent } from 'undici';
import { tempDirSync } from '../../../../tooling/test-temp.ts';
import { ConfigSchema, type ServerConfig } from '../../src/config/options.ts';
import { createLogger } from '../../src/logger.ts';
import { type RunningServer, type StartOverrides, startServer } from '../../src/server.ts';
import { tlsPaths } from '../../src/tls/load-tls.ts';
import { Api } from './api.ts';

export interface TestServer {
  server: RunningServer;
  url: string;
  dataDir: string;
  dispatcher: Agent;
  /** Every log line written so far. */
  logs: string[];
  /** A client that sends the protocol headers (and a token if given). */
  api(token?: string): Api;
  /** Mutable clock used by the server (ms since epoch). */
  clock: { now: number };
  close(): Promise<void>;
}

export async function startTestServer(
  options: {
    config?: Partial<Record<keyof ServerConfig, unknown>>;
    overrides?: StartOverrides;
    logLevel?: string;
    /** Reuse connections (undici's `pipelining: 0` opens a TLS connection per request). */
    keepAlive?: boolean;
  } = {},
): Promise<TestServer> {
  // Removed when the test (or, made in beforeAll, the file) is done, also when start-up fails.
  const dataDir = tempDirSync('coffer-server-test-');
  const config = ConfigSchema.parse({
    dataDir,
    port: 0,
    logLevel: options.logLevel ?? 'info',
    ...options.config,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const clock = { now: Date.now() };
  const server = await startServer(config, createLogger(config.logLevel, sink), {
    now: () => clock.now,
    heartbeatMs: 200,
    // Suites make many logins from one address; the rate-limit test sets real limits.
    rateLimits: {
      perUser: { capacity: 10_000, refillPerSecond: 1_000 },
      perAddress: { capacity: 100_000, refillPerSecond: 10_000 },
    },
    ...options.overrides,
  });
  const ca = config.insecureHttp ? undefined : readFileSync(tlsPaths(dataDir).cert, 'utf8');
  const dispatcher = new Agent({
    connect: ca ? { ca } : {},
    pipelining: options.keepAlive ? 1 : 0,
  });
  return {
    server,
    url: server.url,
    dataDir,
    dispatcher,
    logs,
    clock,
    api: (token?: string) => new Api(server.url, dispatcher, token),
    async close() {
      await server.close();
      await dispatcher.close();
    },
  };
}
