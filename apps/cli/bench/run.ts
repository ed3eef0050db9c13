/**
 * coffer CLI benchmark: encrypt/decrypt of a large file (throughput, peak RSS)
 * against baselines measured in the same run (`cat`, and a raw node:crypto
 * AES-256-GCM pass over the same file), and cold start of `coffer --version`
 * and `coffer get` on a warm replica.
 *
 *   pnpm --filter coffer-cli build && node apps/cli/bench/run.ts [--size-mib 1024] [--runs 10]
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { coldStartGet } from './cold-get.ts';

const { values } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '1024' },
    runs: { type: 'string', default: '10' },
  },
});
const SIZE = Number(values['size-mib']) * 1024 * 1024;
const RUNS = Number(values.runs);
const BIN = fileURLToPath(new URL('../dist/coffer.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'coffer-bench-'));
const MB = 1e6;

interface Measured {
  seconds: number;
  maxRssMiB: number;
}

/** Run a command under /usr/bin/time for wall time and peak RSS. */
function timed(cmd: string, args: string[], env: Record<string, string> = {}): Measured {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  const [secs, kb] = last.split(' ').map(Number);
  if (r.status !== 0 || secs === undefined || kb === undefined) {
    throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  }
  return { seconds: secs, maxRssMiB: kb / 1024 };
}

function writeTestFile(path: string): void {
  const block = randomBytes(16 << 20);
  const fd = openSync(path, 'w');
  for (let done = 0; done < SIZE; done += block.length)
    writeSync(fd, block, 0, Math.min(block.length, SIZE - done));
  closeSync(fd);
}

/** Raw AES-256-GCM over the file in 1 MiB reads, output discarded: the crypto ceiling for one core. */
function rawGcmPass(path: string): number {
  const start = process.hrtime.bigint();
  const cipher = createCipheriv('aes-256-gcm', randomBytes(32), randomBytes(12));
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    cipher.update(buf.subarray(0, n));
  }
  cipher.final();
  closeSync(fd);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const cpu = cpus();
console.log('coffer CLI benchmark');
console.log(
  `machine: ${cpu[0]?.model ?? 'unknown'} x${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free), node ${process.version}, ${process.platform}/${process.arch}`,
);
console.log(`file: ${(SIZE / 2 ** 20).toFixed(0)} MiB of random bytes in ${dir}\n`);

const plain = join(dir, 'plain.bin');
writeTestFile(plain);
const env = { COFFER_PASSPHRASE: 'benchmark passphrase' };
try {
  const cat = timed('sh', ['-c', `cat '${plain}' > /dev/null`]);
  const gcm = rawGcmPass(plain);
  const enc = timed(
    process.execPath,
    [BIN, 'encrypt', '--passphrase', plain, join(dir, 'c.cfr')],
    env,
  );
  const dec = timed(
    process.execPath,
    [BIN, 'decrypt', join(dir, 'c.cfr'), join(dir, 'p.out')],
    env,
  );
  const row = (name: string, secs: number, rss?: number) =>
    console.log(
      `${name.padEnd(38)} ${(SIZE / MB / secs).toFixed(0).padStart(6)} MB/s  ${secs.toFixed(2).padStart(6)} s${rss === undefined ? '' : `  peak RSS ${rss.toFixed(0)} MiB`}`,
    );
  row('baseline: cat > /dev/null', cat.seconds, cat.maxRssMiB);
  row('baseline: raw AES-256-GCM (node:crypto)', gcm);
  row('coffer encrypt --passphrase', enc.seconds, enc.maxRssMiB);
  row('coffer decrypt', dec.seconds, dec.maxRssMiB);
  console.log(`  (coffer times include process start and one Argon2id derivation, 64 MiB t=3)`);
  console.log(
    `  encrypt/raw-GCM ratio ${(gcm / enc.seconds).toFixed(2)}, decrypt/raw-GCM ratio ${(gcm / dec.seconds).toFixed(2)}; target >= 500 MB/s, RSS < 150 MiB\n`,
  );
  rmSync(join(dir, 'c.cfr'));
  rmSync(join(dir, 'p.out'));

  const version: number[] = [];
  const nodeBare: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    nodeBare.push(timed(process.execPath, ['-e', '0']).seconds);
    version.push(timed(process.execPath, [BIN, '--version']).seconds);
  }
  console.log(`cold start, median of ${RUNS} (wall, /usr/bin/time resolution 10 ms):`);
  console.log(`  baseline: node -e 0            ${(median(nodeBare) * 1000).toFixed(0)} ms`);
  console.log(`  coffer --version               ${(median(version) * 1000).toFixed(0)} ms`);
  const get = await coldStartGet(BIN, dir, RUNS);
  console.log(
    get === undefined
      ? '  coffer get: skipped (server not built)'
      : `  coffer get (warm replica, COFFER_SESSION) ${(median(get) * 1000).toFixed(0)} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
