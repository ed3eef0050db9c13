/**
 * Dev aid: run ONE bench phase against the built binary so a CPU profile of
 * the server shows that phase alone.
 * `COFFER_BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" node bench/profile-phase.ts push|pull|concurrent|hello [seconds]`
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { request } from 'undici';
import type { TestProject } from 'vitest/node';
import { createUser, createVault } from '../test/support/accounts.ts';
import setupPostgres from '../test/support/postgres-global-setup.ts';
import { spawnServer } from '../test/support/spawn-server.ts';
import { closedLoop, cpuMsOf, percentile, rssOf } from './load.ts';
import { pushBodyMaker } from './push-bodies.ts';

const phase = process.argv[2] ?? 'push';
const ms = Number(process.argv[3] && process.argv[3] !== '--postgres' ? process.argv[3] : 5) * 1000;
const dataDir = mkdtempSync(join(tmpdir(), 'coffer-prof-'));
const env: Record<string, string> = {};
// `--postgres`: a throwaway cluster from the test harness.
let stopPostgres = (): void => {};
if (process.argv.includes('--postgres')) {
  let adminUrl = '';
  stopPostgres =
    setupPostgres({
      provide: (_k: string, v: string) => (adminUrl = v),
    } as unknown as TestProject) ?? (() => {});
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query('CREATE DATABASE coffer_prof');
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = '/coffer_prof';
  env.COFFER_DATABASE_URL = url.toString();
}
if (process.env.COFFER_BENCH_SERVER_NODE_OPTIONS)
  env.NODE_OPTIONS = process.env.COFFER_BENCH_SERVER_NODE_OPTIONS;
if (process.env.COFFER_DATABASE_URL) env.COFFER_DATABASE_URL = process.env.COFFER_DATABASE_URL;
const server = await spawnServer(['--data-dir', dataDir], env);
const pid = server.child.pid ?? 0;
const user = await createUser(server.api(), 'prof');
const vaults = await Promise.all([0, 1, 2, 3].map(() => createVault(user)));
const body = await pushBodyMaker(vaults[0]!);
const push = async (vaultId: string, text: string) => {
  const res = await request(`${user.api.baseUrl}/v1/vaults/${vaultId}/push`, {
    method: 'POST',
    dispatcher: user.api.dispatcher,
    body: text,
    headers: {
      'coffer-protocol': '1',
      'coffer-client': 'prof/0',
      authorization: `Bearer ${user.api.token}`,
      'content-type': 'application/json',
    },
  });
  await res.body.dump();
  return res.statusCode === 200;
};
if (phase === 'pull') for (const v of vaults) for (let i = 0; i < 50; i++) await push(v, body(100));
const cpu0 = cpuMsOf(pid);
let units = 0;
let result: { operations: number; seconds: number; latenciesMs: number[] };
if (phase === 'push') {
  const bodies = vaults.map(() => Array.from({ length: 60 }, () => body(100)));
  result = await closedLoop(4, ms, (w, i) => push(vaults[w]!, bodies[w]![i] ?? body(100)));
  units = result.operations;
} else if (phase === 'concurrent') {
  result = await closedLoop(50, ms, () => push(vaults[0]!, body(1)));
  units = result.operations;
} else if (phase === 'hello') {
  result = await closedLoop(50, ms, async () => {
    const res = await request(`${server.url}/healthz`, { dispatcher: server.dispatcher });
    await res.body.dump();
    return true;
  });
  units = result.operations;
} else {
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    for (const v of vaults) {
      let cursor = 0;
      for (;;) {
        const res = await request(
          `${user.api.baseUrl}/v1/vaults/${v}/changes?cursor=${cursor}&limit=1000`,
          {
            dispatcher: user.api.dispatcher,
            headers: {
              'coffer-protocol': '1',
              'coffer-client': 'prof/0',
              authorization: `Bearer ${user.api.token}`,
            },
          },
        );
        const page = (await res.body.json()) as {
          changes: unknown[];
          nextCursor: number;
          hasMore: boolean;
        };
        units += page.changes.length / 100;
        cursor = page.nextCursor;
        if (!page.hasMore) break;
      }
    }
  }
  result = { operations: units, seconds: (performance.now() - t0) / 1000, latenciesMs: [0] };
}
const cpu = cpuMsOf(pid) - cpu0;
const rss = rssOf(pid);
console.log(
  `${phase}: ${(result.operations / result.seconds).toFixed(1)} ops/s, p50 ${percentile(result.latenciesMs, 50).toFixed(1)} ms, p99 ${percentile(result.latenciesMs, 99).toFixed(1)} ms, server CPU ${(cpu / units).toFixed(2)} ms per ${phase === 'pull' ? '100 records' : 'request'}, RSS ${rss.rssMB.toFixed(0)} / peak ${rss.peakMB.toFixed(0)} MB`,
);
await server.stop();
rmSync(dataDir, { recursive: true, force: true });
stopPostgres();
