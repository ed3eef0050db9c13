/**
 * Cold start of `coffer get` on a warm replica: a real coffer-server (built),
 * one account with COFFER_SESSION (so no Argon2id per run, as a script would
 * do), the value already in the replica. Each run is a fresh process, timed
 * by /usr/bin/time (wall and CPU); then the same with the server stopped.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../../server/dist/coffer-server.js', import.meta.url));

function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [SERVER, '--data-dir', dataDir, '--port', String(port), '--log-level', 'warn'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString();
      if (err.includes('fingerprint:')) resolve(child);
    });
    child.once('exit', () => reject(new Error(`coffer-server exited: ${err}`)));
  });
}

export interface Timed {
  seconds: number;
  cpuSeconds: number;
}

function timedGet(bin: string, env: NodeJS.ProcessEnv): Timed {
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', '%e %U %S', process.execPath, bin, 'get', 'bench', 'db/password'],
    {
      env,
      encoding: 'utf8',
    },
  );
  const [secs, user, sys] = (r.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  if (
    r.status !== 0 ||
    r.stdout !== 'hunter2' ||
    secs === undefined ||
    user === undefined ||
    sys === undefined
  )
    throw new Error(`coffer get failed: ${r.stderr}`);
  return { seconds: secs, cpuSeconds: user + sys };
}

/**
 * `bins[0]` sets the profile up; every binary then runs `get` `runs` times,
 * interleaved (bins[0], bins[1], bins[0], ...) so load changes hit them alike.
 */
export async function coldStartGet(
  bins: string[],
  dir: string,
  runs: number,
): Promise<{ up: Timed[][]; down: Timed[][] } | undefined> {
  const bin = bins[0]!;
  if (!existsSync(SERVER)) return undefined;
  const dataDir = mkdtempSync(join(dir, 'srv-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const server = await startServer(dataDir, port);
  try {
    const pin = readFileSync(join(dataDir, 'tls', 'fingerprint-sha256.txt'), 'utf8').trim();
    const env = {
      ...process.env,
      COFFER_HOME: join(dir, 'profile'),
      COFFER_PASSPHRASE: 'bench passphrase 123',
    };
    const run = (args: string[], extra: Record<string, string> = {}) => {
      const r = spawnSync(process.execPath, [bin, ...args], {
        env: { ...env, ...extra },
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`coffer ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    run(['signup', '--server', `https://127.0.0.1:${port}`, '-u', 'bench', '--pin', pin]);
    run(['vault', 'create', 'bench']);
    run(['put', 'bench', 'db/password', 'hunter2']);
    const session = run(['unlock', '--raw']).trim();
    const getEnv = { ...env, COFFER_SESSION: session };
    const interleaved = () => {
      const each: Timed[][] = bins.map(() => []);
      for (let i = 0; i < runs; i++) {
        bins.forEach((b, j) => {
          each[j]!.push(timedGet(b, getEnv));
        });
      }
      return each;
    };
    const up = interleaved();
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    const down = interleaved();
    return { up, down };
  } finally {
    server.kill('SIGTERM');
  }
}
