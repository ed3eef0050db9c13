/**
 * One engine's benchmark against the real built server process: the
 * hello-world ceiling (GET /healthz of the same server), push ingest of 1 KiB
 * envelopes in batches of 100, pull, and 50 concurrent single-record pushers
 * (p99 latency, server RSS).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { createUser, createVault, newHexId, recordEnvelope } from '../test/support/accounts.ts';
import type { Api } from '../test/support/api.ts';
import { spawnServer } from '../test/support/spawn-server.ts';
import { closedLoop, cpuMsOf, percentile, rssOf } from './load.ts';

export interface ScenarioOptions {
  engine: 'sqlite' | 'postgres';
  databaseUrl?: string;
  seconds: number;
  extraArgs: string[];
}

export interface ScenarioResult {
  engine: string;
  helloReqPerSec: number;
  pushRecordsPerSec: number;
  pushBatchP50Ms: number;
  pullRecordsPerSec: number;
  concurrentPushP50Ms: number;
  concurrentPushP99Ms: number;
  concurrentPushPerSec: number;
  serverRssMB: number;
  serverPeakRssMB: number;
  /**
   * Server CPU (user + system, ms) per unit of work in each phase: per
   * request for hello and 50-client pushes, per 100 records for push ingest
   * and pull. Unlike throughput, this hardly depends on what else the
   * machine runs.
   */
  serverCpuMs: { hello: number; push100: number; pull100: number; concurrentPush: number };
  errors: number;
}

const ENVELOPE_POOL = 64;

/** Pre-sealed 1 KiB record envelopes (the server checks structure, not the bound record id). */
async function envelopes(vaultId: string): Promise<string[]> {
  return Promise.all(
    Array.from({ length: ENVELOPE_POOL }, () =>
      recordEnvelope(vaultId, newHexId(), 1, new Uint8Array(randomBytes(1024))),
    ),
  );
}

function pushBody(pool: string[], count: number): string {
  const mutations = Array.from({ length: count }, (_, i) => ({
    op: 'put',
    mutationId: newHexId(),
    recordId: newHexId(),
    baseRevision: null,
    epoch: 1,
    envelope: pool[i % pool.length],
  }));
  return JSON.stringify({ mutations });
}

async function rawPush(api: Api, vaultId: string, body: string): Promise<boolean> {
  const res = await request(`${api.baseUrl}/v1/vaults/${vaultId}/push`, {
    method: 'POST',
    dispatcher: api.dispatcher,
    headers: {
      'coffer-protocol': '1',
      'coffer-client': 'coffer-bench/0',
      authorization: `Bearer ${api.token}`,
      'content-type': 'application/json',
    },
    body,
  });
  await res.body.dump();
  return res.statusCode === 200;
}

export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const dataDir = mkdtempSync(join(tmpdir(), `coffer-bench-${options.engine}-`));
  const env: Record<string, string> = {};
  if (options.databaseUrl) env.COFFER_DATABASE_URL = options.databaseUrl;
  // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the server alone.
  if (process.env.COFFER_BENCH_SERVER_NODE_OPTIONS) {
    env.NODE_OPTIONS = process.env.COFFER_BENCH_SERVER_NODE_OPTIONS;
  }
  // Default options (info logging, HTTPS, synchronous=FULL on SQLite): what an operator runs.
  const server = await spawnServer(['--data-dir', dataDir, ...options.extraArgs], env);
  const ms = options.seconds * 1000;
  const pid = server.child.pid ?? 0;
  let cpuMark = cpuMsOf(pid);
  /** Server CPU since the previous call. */
  const cpuSpent = (): number => {
    const now = cpuMsOf(pid);
    const spent = now - cpuMark;
    cpuMark = now;
    return spent;
  };
  try {
    cpuSpent();
    const hello = await closedLoop(50, ms, async () => {
      const res = await request(`${server.url}/healthz`, { dispatcher: server.dispatcher });
      await res.body.dump();
      return res.statusCode === 200;
    });
    const helloCpu = cpuSpent();

    const user = await createUser(server.api(), 'bench');
    const writers = 4;
    const vaults = await Promise.all(Array.from({ length: writers }, () => createVault(user)));
    const pools = await Promise.all(vaults.map(envelopes));
    // Bodies are built ahead of time so the client's JSON work is not measured as server time.
    const bodies = vaults.map((_, w) => Array.from({ length: 40 }, () => pushBody(pools[w]!, 100)));
    cpuSpent();
    const push = await closedLoop(writers, ms, (w, i) => {
      const set = bodies[w]!;
      // Fresh record ids per iteration beyond the prepared set: rebuild lazily.
      const body = i < set.length ? set[i]! : pushBody(pools[w]!, 100);
      return rawPush(user.api, vaults[w]!, body);
    });
    const pushCpu = cpuSpent();

    let pulled = 0;
    const pullStart = performance.now();
    for (const vaultId of vaults) {
      let cursor = 0;
      for (;;) {
        const page = await user.api.get(
          `/v1/vaults/${vaultId}/changes?cursor=${cursor}&limit=1000`,
        );
        pulled += page.body.changes.length;
        cursor = page.body.nextCursor;
        if (!page.body.hasMore) break;
      }
    }
    const pullSeconds = (performance.now() - pullStart) / 1000;
    const pullCpu = cpuSpent();

    const clients = 50;
    const shared = vaults[0]!;
    const concurrent = await closedLoop(clients, ms, () =>
      rawPush(user.api, shared, pushBody(pools[0]!, 1)),
    );
    const concurrentCpu = cpuSpent();
    const rss = rssOf(pid);
    return {
      engine: options.engine,
      helloReqPerSec: hello.operations / hello.seconds,
      pushRecordsPerSec: (push.operations * 100) / push.seconds,
      pushBatchP50Ms: percentile(push.latenciesMs, 50),
      pullRecordsPerSec: pulled / pullSeconds,
      concurrentPushP50Ms: percentile(concurrent.latenciesMs, 50),
      concurrentPushP99Ms: percentile(concurrent.latenciesMs, 99),
      concurrentPushPerSec: concurrent.operations / concurrent.seconds,
      serverRssMB: rss.rssMB,
      serverPeakRssMB: rss.peakMB,
      serverCpuMs: {
        hello: helloCpu / hello.operations,
        push100: pushCpu / push.operations,
        pull100: (pullCpu / pulled) * 100,
        concurrentPush: concurrentCpu / concurrent.operations,
      },
      errors: hello.errors + push.errors + concurrent.errors,
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
