/**
 * `pnpm --filter coffer-server bench [--json] [--seconds N] [--log-level L] [--client-rate R]`:
 * builds the server, runs each scenario against the real binary on SQLite and,
 * when PostgreSQL binaries (or COFFER_TEST_DATABASE_URL) are available, on
 * PostgreSQL, and prints the figures beside the hello-world ceiling of the
 * same server measured in the same run.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import setupPostgres from '../test/support/postgres-global-setup.ts';
import { buildBinary } from '../test/support/spawn-server.ts';
import { type Cpu, runScenario, type ScenarioResult } from './scenario.ts';

const { values } = parseArgs({
  // pnpm passes a literal `--` through (`pnpm bench -- --json`).
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    json: { type: 'boolean', default: false },
    seconds: { type: 'string', default: '5' },
    'log-level': { type: 'string', default: 'info' },
    'skip-postgres': { type: 'boolean', default: false },
    // Open-loop phase: 1-record pushes per second offered by each of the 50 clients.
    'client-rate': { type: 'string', default: '4' },
  },
});
const seconds = Number(values.seconds);
const extraArgs = ['--log-level', String(values['log-level'])];
const clientRate = Number(values['client-rate']);

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

const cpu = (c: Cpu): string => `${c.server.toFixed(2)} + ${c.client.toFixed(2)}`;

function table(results: ScenarioResult[]): string {
  const rows: Array<[string, (r: ScenarioResult) => string, string]> = [
    ['hello-world ceiling (req/s, 50 conns)', (r) => r.helloReqPerSec.toFixed(0), ''],
    [
      'push ingest (records/s, 1 KiB, batches of 100)',
      (r) =>
        `${r.pushRecordsPerSec.toFixed(0)} (${((r.pushRecordsPerSec / 100 / r.helloReqPerSec) * 100).toFixed(1)}% of ceiling req/s)`,
      `>= ${TARGETS.pushRecordsPerSec}`,
    ],
    ['push batch latency p50 (ms, 4 writers)', (r) => r.pushBatchP50Ms.toFixed(1), ''],
    [
      'pull (records/s, pages of 1000, 4 readers)',
      (r) => r.pullRecordsPerSec.toFixed(0),
      `>= ${TARGETS.pullRecordsPerSec}`,
    ],
    [
      '50 clients open loop: offered / done (req/s)',
      (r) => `${r.openLoop.offeredPerSec.toFixed(0)} / ${r.openLoop.achievedPerSec.toFixed(0)}`,
      '',
    ],
    [
      '50 clients open loop: p50 / p99 / max (ms)',
      (r) =>
        `${r.openLoop.p50Ms.toFixed(1)} / ${r.openLoop.p99Ms.toFixed(1)} / ${r.openLoop.maxMs.toFixed(0)}`,
      `p99 < ${TARGETS.concurrentPushP99Ms}`,
    ],
    ['50 clients closed loop (saturated) req/s', (r) => r.concurrentPushPerSec.toFixed(0), ''],
    [
      '50 clients closed loop p50 / p99 (ms)',
      (r) => `${r.concurrentPushP50Ms.toFixed(1)} / ${r.concurrentPushP99Ms.toFixed(1)}`,
      '(Little: 50 / req/s)',
    ],
    [
      'server RSS now / peak (MB)',
      (r) => `${r.serverRssMB.toFixed(0)} / ${r.serverPeakRssMB.toFixed(0)}`,
      `< ${TARGETS.serverPeakRssMB}`,
    ],
    [
      'server peak RSS after hello/push/pull/closed/open',
      (r) =>
        [
          r.peakRssAfterMB.hello,
          r.peakRssAfterMB.push,
          r.peakRssAfterMB.pull,
          r.peakRssAfterMB.closedLoop,
          r.peakRssAfterMB.openLoop,
        ]
          .map((mb) => mb.toFixed(0))
          .join('/'),
      '',
    ],
    ['CPU ms server + client: hello (per req)', (r) => cpu(r.cpuMs.hello), ''],
    ['CPU ms server + client: push (per 100 rec)', (r) => cpu(r.cpuMs.push100), ''],
    ['CPU ms server + client: pull (per 100 rec)', (r) => cpu(r.cpuMs.pull100), ''],
    ['CPU ms server + client: closed-loop push1', (r) => cpu(r.cpuMs.concurrentPush), ''],
    ['CPU ms server + client: open-loop push1', (r) => cpu(r.cpuMs.openLoopPush), ''],
    [
      'errors',
      (r) =>
        `${r.errors}${
          r.errors > 0
            ? ` (${Object.entries(r.failures)
                .map(([k, v]) => `${k}: ${v}`)
                .join(', ')})`
            : ''
        }`,
      '0',
    ],
  ];
  const lines = [
    `${'metric'.padEnd(46)} ${results.map((r) => r.engine.slice(0, 34).padEnd(34)).join(' ')} target`,
  ];
  for (const [label, value, target] of rows)
    lines.push(
      `${label.padEnd(46)} ${results.map((r) => value(r).padEnd(34)).join(' ')} ${target}`,
    );
  return lines.join('\n');
}

const LOAD_MODEL = [
  'Load model: push ingest = 4 writers, closed loop, batches of 100 (throughput); pull = 4 readers, one per vault, pages of 1000;',
  `50 clients open loop = 50 clients each sending ${clientRate} 1-record pushes/s on a fixed schedule whatever the answers (${50 * clientRate} req/s offered),`,
  'latency from the due time (no coordinated omission): the p99 target is judged here; 50 clients closed loop = each pushes back to back',
  '(saturation: latency is 50 / throughput by construction). CPU = server process + this bench client, which share the same cores.',
].join('\n');

buildBinary();
const loadBefore = loadavg()
  .map((l) => l.toFixed(1))
  .join(' ');
const results: ScenarioResult[] = [
  await runScenario({ engine: 'sqlite', seconds, extraArgs, clientRate }),
];
const pgServer = await postgresUrl();
if (pgServer) {
  try {
    results.push({
      ...(await runScenario({
        engine: 'postgres',
        databaseUrl: pgServer.url,
        seconds,
        extraArgs,
        clientRate,
      })),
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
  // The latency target is judged on the open-loop phase (README: load model).
  p99: r.openLoop.p99Ms < TARGETS.concurrentPushP99Ms,
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
    `Each phase ${seconds} s; server log level ${values['log-level']}; load average before: ${loadBefore}, after: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );
  process.stdout.write(`${LOAD_MODEL}\n\n${table(results)}\n`);
}
