/** The built coffer-server on a temporary data dir and a free port, serving the built web app. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

export interface BenchServer {
  url: string;
  certSha256: string;
  spkiSha256: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export async function startServer(): Promise<BenchServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coffer-web-bench-'));
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const args = [
    repo('apps/server/dist/coffer-server.js'),
    '--data-dir',
    dataDir,
    '--port',
    String(port),
  ];
  args.push('--host', '127.0.0.1', '--public-url', url, '--web-root', repo('apps/web/dist'));
  const child: ChildProcess = spawn(process.execPath, [...args, '--log-level', 'warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stderr?.on('data', (b: Buffer) => {
      out += b.toString();
      if (/listening on https:/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`coffer-server exited (${code}): ${out}`)));
  });
  const cert = new X509Certificate(readFileSync(join(dataDir, 'tls', 'cert.pem')));
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return {
    url,
    certSha256: readFileSync(join(dataDir, 'tls', 'fingerprint-sha256.txt'), 'utf8').trim(),
    spkiSha256: createHash('sha256').update(spki).digest('base64'),
    async stop() {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
