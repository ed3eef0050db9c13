/**
 * `pnpm --filter coffer-server bench [--json] [--seconds N] [--log-level L]`:
 * builds the server, runs each scenario against the real binary on SQLite and,
 * when PostgreSQL binaries (or COFFER_TEST_DATABASE_URL) are available, on
 * PostgreSQL, and prints the figures beside the hello-world ceiling of the
 * same server measured in the same run.
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import setupPostgres from '../test/support/postgres-global-setup.ts';
import { buildBinary } from '../test/support/spawn-server.ts';
import { runScenario, type ScenarioResult } from './scenario.ts';

const { values } = parseArgs({
  // pnpm passes a literal `--` through (`pnpm bench -- --json`).
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    json: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '5' },
    'log-level': { type: 'string', default: 'info' },
    'skip-postgres': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const extraArgs = ['--log-level', String(values['log-level'])];

const TARGETS = {
  pushRecordsPerSec: 20_000,
  pullRecordsPerSec: 50_000,
  concurrentPushP99Ms: 50,
  serverPeakRssMB: 300,
};

const machine = {
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 1024 ** 3),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  note: 'client load runs on the same machine as the server',
};

async function postgresUrl(): Promise<{ url: string; stop: () => void; note: string } | undefined> {
  if (values['skip-postgres']) return undefined;
  let adminUrl = '';
  let stop: (() => void) | undefined;
  try {
    stop =
      setupPostgres({
        provide: (_key: string, value: string) => (adminUrl = value),
      } as unknown as TestProject) ?? (() => {});
  } catch (error) {
    process.stderr.write(`PostgreSQL skipped: ${(error as Error).message}\n`);
    return undefined;
  }
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query('CREATE DATABASE coffer_bench');
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = '/coffer_bench';
  const note = process.env.COFFER_TEST_DATABASE_URL
    ? 'external server'
    : 'throwaway cluster, fsync=off (test harness)';
  return { url: url.toString(), stop, note };
}

function table(results: ScenarioResult[]): string {
  const rows: Array<[string, (r: ScenarioResult) => string, string]> = [
    ['hello-world ceiling (req/s, 50 conns)', (r) => r.helloReqPerSec.toFixed(0), ''],
    [
      'push ingest (records/s, 1 KiB, batches of 100)',
      (r) =>
        `${r.pushRecordsPerSec.toFixed(0)} (${((r.pushRecordsPerSec / 100 / r.helloReqPerSec) * 100).toFixed(1)}% of ceiling req/s)`,
      `>= ${TARGETS.pushRecordsPerSec}`,
    ],
    ['push batch latency p50 (ms)', (r) => r.pushBatchP50Ms.toFixed(1), ''],
    [
      'pull (records/s, pages of 1000)',
      (r) => r.pullRecordsPerSec.toFixed(0),
      `>= ${TARGETS.pullRecordsPerSec}`,
    ],
    ['50 clients, 1-record pushes (req/s)', (r) => r.concurrentPushPerSec.toFixed(0), ''],
    ['50 clients push latency p50 (ms)', (r) => r.concurrentPushP50Ms.toFixed(1), ''],
    [
      '50 clients push latency p99 (ms)',
      (r) => r.concurrentPushP99Ms.toFixed(1),
      `< ${TARGETS.concurrentPushP99Ms}`,
    ],
    [
      'server RSS now / peak (MB)',
      (r) => `${r.serverRssMB.toFixed(0)} / ${r.serverPeakRssMB.toFixed(0)}`,
      `< ${TARGETS.serverPeakRssMB}`,
    ],
    [
      'server CPU ms: hello/push100/pull100/push1',
      (r) =>
        [
          r.serverCpuMs.hello,
          r.serverCpuMs.push100,
          r.serverCpuMs.pull100,
          r.serverCpuMs.concurrentPush,
        ]
          .map((v) => v.toFixed(2))
          .join(' / '),
      '',
    ],
    ['errors', (r) => String(r.errors), '0'],
  ];
  const lines = [
    `${'metric'.padEnd(48)} ${results.map((r) => r.engine.padEnd(34)).join(' ')} target`,
  ];
  for (const [label, value, target] of rows)
    lines.push(
      `${label.padEnd(48)} ${results.map((r) => value(r).padEnd(34)).join(' ')} ${target}`,
    );
  return lines.join('\n');
}

buildBinary();
const results: ScenarioResult[] = [await runScenario({ engine: 'sqlite', seconds, extraArgs })];
const pgServer = await postgresUrl();
if (pgServer) {
  try {
    results.push({
      ...(await runScenario({ engine: 'postgres', databaseUrl: pgServer.url, seconds, extraArgs })),
      engine: `postgres (${pgServer.note})`,
    });
  } finally {
    pgServer.stop();
  }
}
const checks = results.map((r) => ({
  engine: r.engine,
  push: r.pushRecordsPerSec >= TARGETS.pushRecordsPerSec,
  pull: r.pullRecordsPerSec >= TARGETS.pullRecordsPerSec,
  p99: r.concurrentPushP99Ms < TARGETS.concurrentPushP99Ms,
  rss: r.serverPeakRssMB < TARGETS.serverPeakRssMB,
}));
if (values.json) {
  process.stdout.write(
    `${JSON.stringify({ machine, seconds, logLevel: values['log-level'], targets: TARGETS, results, checks }, null, 2)}\n`,
  );
} else {
  process.stdout.write(
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node} (${machine.note})\n`,
  );
  process.stdout.write(
    `Each phase ${seconds} s; server log level ${values['log-level']}\n\n${table(results)}\n`,
  );
}
