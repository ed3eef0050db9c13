/**
 * coffer CLI benchmark: encrypt/decrypt of a large file (throughput, CPU,
 * peak RSS) and cold start of `coffer --version` and `coffer get` on a warm
 * replica, each beside a baseline measured in the same run: `cat`/`cp` of the
 * same file in the same directory, the protocol's envelope streams alone in
 * memory, and `node -e ''`.
 *
 *   pnpm turbo build --filter=coffer-cli... --filter=coffer-server
 *   node apps/cli/bench/run.ts [--size-mib 1024] [--runs 10] [--dir /tmp]
 *     [--before OTHER/dist/coffer.js] [--file-runs 1] [--settle 0]
 *
 * --settle S waits S seconds before each timed encrypt/decrypt, so that its
 * output meets fresh page-cache pages as a user's would (the runs otherwise
 * reuse the pages the previous run's files freed; see the cp + sync lines).
 *
 * --before runs another build of coffer (say, the previous commit's) in the
 * same run, interleaved with this one, for a before/after under the same load.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { coldStartGet, type Timed } from './cold-get.ts';
import { streamBaseline } from './stream-baseline.ts';

const { values } = parseArgs({
  // `pnpm bench -- --file-runs 3` passes the `--` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    'size-mib': { type: 'string', default: '1024' },
    runs: { type: 'string', default: '10' },
    dir: { type: 'string', default: tmpdir() },
    before: { type: 'string' },
    // Three: one 1 GiB run swings by a third on this VM (kernel page-cache time; README).
    'file-runs': { type: 'string', default: '3' },
    settle: { type: 'string', default: '0' },
  },
});
const SIZE = Number(values['size-mib']) * 1024 * 1024;
const RUNS = Number(values.runs);
const BIN = fileURLToPath(new URL('../dist/coffer.js', import.meta.url));
const BEFORE = values.before;
const FILE_RUNS = Number(values['file-runs']);
/** Seconds idle before each timed encrypt/decrypt, so its output meets fresh pages (see cp + sync). */
const SETTLE_MS = Number(values.settle) * 1000;
const settle = () => {
  if (SETTLE_MS > 0) spawnSync('sleep', [String(SETTLE_MS / 1000)]);
};
/** [label, bin]: this build, and the --before build when given. */
const BUILDS: [string, string][] = BEFORE
  ? [
      ['before', BEFORE],
      ['after', BIN],
    ]
  : [['', BIN]];
const tag = (label: string, name: string) => (label ? `${label}: ${name}` : name);
const dir = mkdtempSync(join(values.dir, 'coffer-bench-'));
const MB = 1e6;

interface Measured {
  seconds: number;
  cpuSeconds: number;
  /** Peak RSS in MB (10^6 bytes), as the target is stated. */
  maxRssMB: number;
}

/** Run a command under /usr/bin/time: wall time, CPU time (user + system) and peak RSS. */
function timed(cmd: string, args: string[], env: Record<string, string> = {}): Measured {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', cmd, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  const [secs, user, sys, kb] = last.split(' ').map(Number);
  if (r.status !== 0 || [secs, user, sys, kb].some((n) => n === undefined || Number.isNaN(n))) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  }
  return { seconds: secs!, cpuSeconds: user! + sys!, maxRssMB: (kb! * 1024) / MB };
}

function writeTestFile(path: string): void {
  const block = randomBytes(16 << 20);
  const fd = openSync(path, 'w');
  for (let done = 0; done < SIZE; done += block.length)
    writeSync(fd, block, 0, Math.min(block.length, SIZE - done));
  closeSync(fd);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const rate = (secs: number) => `${(SIZE / MB / secs).toFixed(0).padStart(6)} MB/s`;
function row(name: string, m: { seconds: number; cpuSeconds?: number; maxRssMB?: number }): void {
  const cpu =
    m.cpuSeconds === undefined
      ? ''
      : `  cpu ${m.cpuSeconds.toFixed(2)} s${m.cpuSeconds > 0 ? ` (${rate(m.cpuSeconds).trim()} per CPU-second)` : ''}`;
  const rss = m.maxRssMB === undefined ? '' : `  peak RSS ${m.maxRssMB.toFixed(0)} MB`;
  console.log(
    `${name.padEnd(50)} ${rate(m.seconds)}  ${m.seconds.toFixed(2).padStart(6)} s${cpu}${rss}`,
  );
}

const cpu = cpus();
console.log('coffer CLI benchmark');
console.log(
  `machine: ${cpu[0]?.model ?? 'unknown'} x${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, node ${process.version}`,
);
console.log(`file: ${(SIZE / 2 ** 20).toFixed(0)} MiB of random bytes in ${dir}\n`);

const plain = join(dir, 'plain.bin');
writeTestFile(plain);
const env = { COFFER_PASSPHRASE: 'benchmark passphrase' };
try {
  const cat = timed('sh', ['-c', `cat '${plain}' > /dev/null`]);
  const cp = timed('sh', ['-c', `cp '${plain}' '${dir}/cp.out'`]);
  rmSync(join(dir, 'cp.out'));
  const cpSync = timed('sh', ['-c', `cp '${plain}' '${dir}/cp.out' && sync '${dir}/cp.out'`]);
  rmSync(join(dir, 'cp.out'));
  // The line above reuses the page-cache pages `rm` just freed. On a VM that hands
  // free memory back to its host (free page reporting, as on this machine), a page
  // left free for a few seconds costs a host fault on its next first touch: writing
  // 1 GiB into fresh pages took 1.0-2.0 CPU-s of kernel copy here instead of 0.3.
  // coffer's output meets such pages (nothing was freed just before it), so this is
  // its like-for-like baseline.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const cpSyncFresh = timed('sh', ['-c', `cp '${plain}' '${dir}/cp.out' && sync '${dir}/cp.out'`]);
  rmSync(join(dir, 'cp.out'));
  const streams = await streamBaseline(SIZE);
  // This build also with direct writes (opt-in), to compare with the page cache in the same run.
  const variants: { label: string; bin: string; env: Record<string, string> }[] = [
    ...BUILDS.map(([label, bin]) => ({ label, bin, env: {} })),
    { label: tag(BEFORE ? 'after' : '', 'O_DIRECT'), bin: BIN, env: { COFFER_DIRECT_IO: '1' } },
  ];
  const mine = variants.length - 2;
  // Interleaved: before encrypt, before decrypt, after encrypt, ... (same load for all).
  const enc: Measured[][] = variants.map(() => []);
  const dec: Measured[][] = variants.map(() => []);
  const cfr = join(dir, 'c.cfr');
  for (let r = 0; r < FILE_RUNS; r++) {
    variants.forEach(({ bin, env: extra }, i) => {
      settle();
      enc[i]!.push(
        timed(process.execPath, [bin, 'encrypt', '--passphrase', plain, cfr], { ...env, ...extra }),
      );
      // Untimed: decrypt reads a cached input, as encrypt does (a direct write leaves none cached).
      spawnSync('sh', ['-c', `cat '${cfr}' > /dev/null`]);
      settle();
      dec[i]!.push(
        timed(process.execPath, [bin, 'decrypt', cfr, join(dir, 'p.out')], { ...env, ...extra }),
      );
      rmSync(cfr);
      rmSync(join(dir, 'p.out'));
    });
  }
  /** The run with the median wall time. */
  const mid = (xs: Measured[]) =>
    [...xs].sort((a, b) => a.seconds - b.seconds)[Math.floor(xs.length / 2)]!;
  row('baseline: cat > /dev/null', cat);
  row('baseline: cp (same directory)', cp);
  row('baseline: cp + sync (what coffer guarantees)', cpSync);
  row('baseline: cp + sync, after 5 s idle (fresh pages)', cpSyncFresh);
  row('baseline: protocol seal stream, in memory', {
    seconds: streams.sealSeconds,
    cpuSeconds: streams.sealCpuSeconds,
  });
  row('baseline: protocol open stream, in memory', {
    seconds: streams.openSeconds,
    cpuSeconds: streams.openCpuSeconds,
  });
  variants.forEach(({ label }, i) => {
    row(tag(label, 'coffer encrypt --passphrase'), mid(enc[i]!));
    row(tag(label, 'coffer decrypt'), mid(dec[i]!));
  });
  if (SETTLE_MS > 0) console.log(`  (each encrypt/decrypt after ${SETTLE_MS / 1000} s idle)`);
  console.log(
    `  (median of ${FILE_RUNS} by wall time; coffer figures include process start and one Argon2id derivation,\n` +
      '   64 MiB t=3, whose 64 MiB count in the peak RSS; output goes to a temp file, fsynced, renamed;\n' +
      '   "O_DIRECT": COFFER_DIRECT_IO=1, files of 8 MiB or more are written around the page cache)',
  );
  const e = mid(enc[mine]!);
  const d = mid(dec[mine]!);
  console.log(
    `  ratios to the in-memory streams (wall): encrypt ${(streams.sealSeconds / e.seconds).toFixed(2)}, decrypt ${(streams.openSeconds / d.seconds).toFixed(2)}; to cp + sync after 5 s idle: encrypt ${(cpSyncFresh.seconds / e.seconds).toFixed(2)}, decrypt ${(cpSyncFresh.seconds / d.seconds).toFixed(2)}`,
  );
  console.log('  target: >= 500 MB/s, peak RSS < 150 MB\n');

  const version: Measured[][] = BUILDS.map(() => []);
  const nodeBare: Measured[] = [];
  for (let i = 0; i < RUNS; i++) {
    nodeBare.push(timed(process.execPath, ['-e', '']));
    BUILDS.forEach(([, bin], j) => {
      version[j]!.push(timed(process.execPath, [bin, '--version']));
    });
  }
  const ms = (xs: Timed[], pick: (m: Timed) => number) =>
    `${(median(xs.map(pick)) * 1000).toFixed(0).padStart(4)} ms`;
  const line = (name: string, xs: Timed[]) =>
    console.log(
      `  ${name.padEnd(52)}${ms(xs, (m) => m.seconds)}  cpu ${ms(xs, (m) => m.cpuSeconds)}`,
    );
  console.log(`cold start, median of ${RUNS} (wall and CPU; /usr/bin/time resolution 10 ms):`);
  line("baseline: node -e ''", nodeBare);
  BUILDS.forEach(([label], j) => {
    line(tag(label, 'coffer --version'), version[j]!);
  });
  const get = await coldStartGet(
    BUILDS.map(([, bin]) => bin),
    dir,
    RUNS,
  );
  if (get === undefined) {
    console.log('  coffer get: skipped (coffer-server not built)');
  } else {
    BUILDS.forEach(([label], j) => {
      line(tag(label, 'coffer get (warm replica, COFFER_SESSION)'), get.up[j]!);
      line(tag(label, 'coffer get, same, server stopped'), get.down[j]!);
    });
  }
  console.log('  target: < 150 ms');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
