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
import { closedLoop, cpuMsOf, openLoop, ownCpuMs, percentile, rssOf } from './load.ts';

export interface ScenarioOptions {
  engine: 'sqlite' | 'postgres';
  databaseUrl?: string;
  seconds: number;
  extraArgs: string[];
  /** Open-loop phase: 1-record pushes per second offered by each of the 50 clients. */
  clientRate: number;
}

/** One phase's cost: CPU ms of the server and of the bench client per unit of work. */
export interface Cpu {
  server: number;
  client: number;
}

export interface ScenarioResult {
  engine: string;
  helloReqPerSec: number;
  pushRecordsPerSec: number;
  pushBatchP50Ms: number;
  pullRecordsPerSec: number;
  /** Closed loop: 50 clients push back to back (saturation). */
  concurrentPushP50Ms: number;
  concurrentPushP99Ms: number;
  concurrentPushPerSec: number;
  /** Open loop: 50 clients each offer `clientRate` 1-record pushes per second. */
  openLoop: {
    clientRate: number;
    offeredPerSec: number;
    achievedPerSec: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
  };
  serverRssMB: number;
  serverPeakRssMB: number;
  /**
   * The server's peak RSS (VmHWM, MB) read at the end of each phase: the
   * first phase whose figure crosses a limit is the one that drove it there.
   */
  peakRssAfterMB: {
    hello: number;
    push: number;
    pull: number;
    closedLoop: number;
    openLoop: number;
  };
  /**
   * CPU (user + system, ms) per unit of work in each phase, of the server
   * process and of this bench client: per request for hello and 1-record
   * pushes, per 100 records for push ingest and pull. Unlike throughput,
   * this hardly depends on what else the machine runs.
   */
  cpuMs: { hello: Cpu; push100: Cpu; pull100: Cpu; concurrentPush: Cpu; openLoopPush: Cpu };
  errors: number;
  /** Failed requests by reason. */
  failures: Record<string, number>;
}

const ENVELOPE_POOL = 64;
const CLIENTS = 50;

/** Pre-sealed 1 KiB record envelopes (the server checks structure, not the bound record id). */
async function envelopes(vaultId: string): Promise<string[]> {
  return Promise.all(
    Array.from({ length: ENVELOPE_POOL }, () =>
      recordEnvelope(vaultId, newHexId(), 1, new Uint8Array(randomBytes(1024))),
    ),
  );
}

/**
 * Push bodies from a template, so the client's own CPU stays small: the
 * envelopes are armored once, and the random 128-bit mutation and record ids
 * (random like real clients' ids: sequential ids would make the database's
 * index inserts unrealistically cheap) are cut from one pre-generated hex pool.
 */
function bodyFactory(pool: string[]): (count: number) => Buffer {
  const hex = randomBytes(16 * 8192).toString('hex');
  let next = 0;
  const id = (): string => {
    const at = (next++ % 8192) * 32;
    // Rotate the pool by the lap so ids repeat only after 8192^2 draws.
    const lap = Math.floor(next / 8192) % 32;
    return hex.slice(at + lap, at + 32) + hex.slice(at, at + lap);
  };
  return (count) => {
    const parts: string[] = new Array(count);
    for (let i = 0; i < count; i++) {
      parts[i] =
        `{"op":"put","mutationId":"${id()}","recordId":"${id()}","baseRevision":null,"epoch":1,"envelope":"${pool[i % pool.length]}"}`;
    }
    return Buffer.from(`{"mutations":[${parts.join(',')}]}`);
  };
}

/**
 * `COFFER_BENCH_PHASES=1` prints each phase's end (epoch ms) to stderr, to line
 * up with a memory trace of the server (e.g. a `--import`ed sampler).
 */
function phase(name: string): void {
  if (process.env.COFFER_BENCH_PHASES) process.stderr.write(`phase ${name} at ${Date.now()}\n`);
}

const BENCH_HEADERS = { 'coffer-protocol': '1', 'coffer-client': 'coffer-bench/0' };

/** Why requests failed, e.g. `status 503` or an error code; printed with the figures. */
const failures = new Map<string, number>();
function failed(reason: string): false {
  failures.set(reason, (failures.get(reason) ?? 0) + 1);
  return false;
}

async function rawPush(api: Api, vaultId: string, body: Buffer): Promise<boolean> {
  const res = await request(`${api.baseUrl}/v1/vaults/${vaultId}/push`, {
    method: 'POST',
    dispatcher: api.dispatcher,
    headers: {
      ...BENCH_HEADERS,
      authorization: `Bearer ${api.token}`,
      'content-type': 'application/json',
    },
    body,
  });
  await res.body.dump();
  return res.statusCode === 200 || failed(`push answered ${res.statusCode}`);
}

const SEQ_KEY = Buffer.from('{"seq":');

/**
 * One pull page as bytes. The bench client does not parse the 1.4 MB page
 * (a real client's parsing is the client's cost, measured in packages/client):
 * it counts the changes by their `{"seq":` keys and reads `nextCursor` and
 * `hasMore` from the end of the body, which the server writes last.
 */
async function rawPull(
  api: Api,
  vaultId: string,
  cursor: number,
): Promise<{ changes: number; nextCursor: number; hasMore: boolean }> {
  const res = await request(
    `${api.baseUrl}/v1/vaults/${vaultId}/changes?cursor=${cursor}&limit=1000`,
    {
      dispatcher: api.dispatcher,
      headers: { ...BENCH_HEADERS, authorization: `Bearer ${api.token}` },
    },
  );
  const body = Buffer.from(await res.body.arrayBuffer());
  if (res.statusCode !== 200) throw new Error(`pull answered ${res.statusCode}`);
  let changes = 0;
  for (let at = body.indexOf(SEQ_KEY); at >= 0; at = body.indexOf(SEQ_KEY, at + 1)) changes++;
  const tail = /"nextCursor":(\d+),"hasMore":(true|false)\}$/.exec(
    body.subarray(Math.max(0, body.length - 64)).toString('latin1'),
  );
  if (!tail) throw new Error('pull page without nextCursor');
  return { changes, nextCursor: Number(tail[1]), hasMore: tail[2] === 'true' };
}

export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const dataDir = mkdtempSync(join(tmpdir(), `coffer-bench-${options.engine}-`));
  const env: Record<string, string> = {};
  if (options.databaseUrl) env.COFFER_DATABASE_URL = options.databaseUrl;
  // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the server alone.
  if (process.env.COFFER_BENCH_SERVER_NODE_OPTIONS) {
    env.NODE_OPTIONS = process.env.COFFER_BENCH_SERVER_NODE_OPTIONS;
  }
  // Default options (info logging, HTTPS, durable SQLite commits): what an operator runs.
  const server = await spawnServer(['--data-dir', dataDir, ...options.extraArgs], env);
  const ms = options.seconds * 1000;
  const pid = server.child.pid ?? 0;
  let serverMark = cpuMsOf(pid);
  let clientMark = process.cpuUsage();
  /** Server and client CPU since the previous call, divided by `units`. */
  const cpuSpent = (units = 1): Cpu => {
    const now = cpuMsOf(pid);
    const spent = { server: (now - serverMark) / units, client: ownCpuMs(clientMark) / units };
    serverMark = now;
    clientMark = process.cpuUsage();
    return spent;
  };
  // Open the connections (TLS handshakes) before anything is measured.
  // A connection idle past the server's keep-alive timeout (while bodies
  // are built) may be closed as it is reused: such a warm-up request just fails.
  const warmUp = () =>
    Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const res = await request(`${server.url}/healthz`, { dispatcher: server.dispatcher });
        await res.body.dump();
      }).map((p) => p.catch(() => undefined)),
    );
  const attempt = (task: () => Promise<boolean>) => () =>
    task().catch((error: unknown) =>
      failed(String((error as { code?: string }).code ?? (error as Error).message)),
    );
  failures.clear();
  try {
    await warmUp();
    cpuSpent();
    const hello = await closedLoop(CLIENTS, ms, async () => {
      const res = await request(`${server.url}/healthz`, { dispatcher: server.dispatcher });
      await res.body.dump();
      return res.statusCode === 200;
    });
    const helloCpu = cpuSpent(hello.operations);
    const peakRssAfterMB = {
      hello: rssOf(pid).peakMB,
      push: 0,
      pull: 0,
      closedLoop: 0,
      openLoop: 0,
    };
    phase('hello done');

    const user = await createUser(server.api(), 'bench');
    const writers = 4;
    const vaults = await Promise.all(Array.from({ length: writers }, () => createVault(user)));
    const factories = (await Promise.all(vaults.map(envelopes))).map(bodyFactory);
    cpuSpent();
    // Bodies for 1.5 x the target rate are built before the clock starts, so
    // the client's CPU during the phase is sending, not building; past them
    // bodies are built on the fly.
    const prebuilt = factories.map((make) =>
      Array.from({ length: Math.ceil((300 * options.seconds) / writers) }, () => make(100)),
    );
    await warmUp();
    cpuSpent();
    const push = await closedLoop(writers, ms, (w, i) =>
      attempt(() => rawPush(user.api, vaults[w]!, prebuilt[w]![i] ?? factories[w]!(100)))(),
    );
    prebuilt.length = 0;
    const pushCpu = cpuSpent(push.operations);
    peakRssAfterMB.push = rssOf(pid).peakMB;
    phase('push done');

    // One reader per vault, each paging from 0 to the head.
    let pulled = 0;
    const pullStart = performance.now();
    await Promise.all(
      vaults.map(async (vaultId) => {
        let cursor = 0;
        for (;;) {
          const page = await rawPull(user.api, vaultId, cursor).catch((error: unknown) => {
            failed(
              `pull: ${String((error as { code?: string }).code ?? (error as Error).message)}`,
            );
            // Once, on a fresh connection: a failed page is retried, not skipped.
            return rawPull(user.api, vaultId, cursor);
          });
          pulled += page.changes;
          cursor = page.nextCursor;
          if (!page.hasMore) break;
        }
      }),
    );
    const pullSeconds = (performance.now() - pullStart) / 1000;
    const pullCpu = cpuSpent(pulled / 100);
    peakRssAfterMB.pull = rssOf(pid).peakMB;
    phase('pull done');

    const shared = vaults[0]!;
    const one = factories[0]!;
    cpuSpent();
    const pushOne = attempt(() => rawPush(user.api, shared, one(1)));
    await warmUp();
    cpuSpent();
    const concurrent = await closedLoop(CLIENTS, ms, pushOne);
    const concurrentCpu = cpuSpent(concurrent.operations);
    peakRssAfterMB.closedLoop = rssOf(pid).peakMB;
    phase('closed loop done');

    const open = await openLoop(CLIENTS, options.clientRate, ms, pushOne);
    const openCpu = cpuSpent(open.operations);
    const rss = rssOf(pid);
    peakRssAfterMB.openLoop = rss.peakMB;
    phase('open loop done');
    return {
      engine: options.engine,
      helloReqPerSec: hello.operations / hello.seconds,
      pushRecordsPerSec: (push.operations * 100) / push.seconds,
      pushBatchP50Ms: percentile(push.latenciesMs, 50),
      pullRecordsPerSec: pulled / pullSeconds,
      concurrentPushP50Ms: percentile(concurrent.latenciesMs, 50),
      concurrentPushP99Ms: percentile(concurrent.latenciesMs, 99),
      concurrentPushPerSec: concurrent.operations / concurrent.seconds,
      openLoop: {
        clientRate: options.clientRate,
        offeredPerSec: CLIENTS * options.clientRate,
        achievedPerSec: open.operations / open.seconds,
        p50Ms: percentile(open.latenciesMs, 50),
        p99Ms: percentile(open.latenciesMs, 99),
        maxMs: percentile(open.latenciesMs, 100),
      },
      serverRssMB: rss.rssMB,
      serverPeakRssMB: rss.peakMB,
      peakRssAfterMB,
      cpuMs: {
        hello: helloCpu,
        push100: pushCpu,
        pull100: pullCpu,
        concurrentPush: concurrentCpu,
        openLoopPush: openCpu,
      },
      errors: hello.errors + push.errors + concurrent.errors + open.errors,
      failures: Object.fromEntries(failures),
    };
  } catch (error) {
    if (server.child.exitCode !== null) {
      process.stderr.write(`server exited (${server.child.exitCode}): ${server.stderr()}\n`);
    }
    throw error;
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
