/**
 * Cold start of `coffer get` on a warm replica: a real coffer-server (built),
 * one account with COFFER_SESSION (so no Argon2id per run, as a script would
 * do), the value already in the replica. Each run is a fresh process.
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

export async function coldStartGet(
  bin: string,
  dir: string,
  runs: number,
): Promise<number[] | undefined> {
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
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      const out = run(['get', 'bench', 'db/password'], { COFFER_SESSION: session });
      times.push(Number(process.hrtime.bigint() - start) / 1e9);
      if (out !== 'hunter2') throw new Error('wrong value');
    }
    return times;
  } finally {
    server.kill('SIGTERM');
  }
}
