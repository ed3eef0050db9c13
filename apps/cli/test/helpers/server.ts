/**
 * A real coffer-server (the BUILT binary) over HTTPS with a self-signed
 * certificate, on a temporary data directory and a free loopback port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SERVER_BIN = fileURLToPath(
  new URL('../../../server/dist/coffer-server.js', import.meta.url),
);

export interface TestServer {
  url: string;
  /** SHA-256 fingerprint as the server prints it (AB:CD:…). */
  fingerprint: string;
  dataDir: string;
  port: number;
  stop(): Promise<void>;
  /** Start again on the same data dir and port (after stop). */
  start(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Start coffer-server and resolve once it printed its URL and fingerprint. */
export async function startTestServer(): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coffer-srv-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const server: TestServer = {
    url: '',
    fingerprint: '',
    dataDir,
    port,
    async start() {
      const proc = spawn(
        process.execPath,
        [SERVER_BIN, '--data-dir', dataDir, '--port', String(port), '--log-level', 'warn'],
        {
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      child = proc;
      await new Promise<void>((resolve, reject) => {
        let err = '';
        const onData = (b: Buffer) => {
          err += b.toString('utf8');
          const url = /listening on (\S+)/.exec(err)?.[1];
          const fp = /fingerprint: ([0-9A-F:]{95})/.exec(err)?.[1];
          if (url !== undefined && fp !== undefined) {
            server.url = url;
            server.fingerprint = fp;
            proc.stderr?.off('data', onData);
            proc.stderr?.resume();
            resolve();
          }
        };
        proc.stderr?.on('data', onData);
        proc.once('exit', (code) => reject(new Error(`coffer-server exited (${code}): ${err}`)));
      });
    },
    async stop() {
      const proc = child;
      if (proc === undefined || proc.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      });
      child = undefined;
    },
  };
  await server.start();
  return server;
}
