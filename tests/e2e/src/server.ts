/**
 * The BUILT coffer-server over HTTPS with its self-signed certificate, on a
 * temporary data directory and a free loopback port, serving the built web
 * app. Also the "malicious server" helper that edits its SQLite store.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
export const SERVER_BIN = repo('apps/server/dist/coffer-server.js');
export const WEB_ROOT = repo('apps/web/dist');

export interface E2eServer {
  url: string;
  dataDir: string;
  /** SHA-256 of the certificate (hex with colons), as the CLI pins it. */
  certSha256: string;
  /** Base64 SHA-256 of the certificate's public key, for Chromium's SPKI allow-list. */
  spkiSha256: string;
  /** Read the server's SQLite store (what a malicious operator sees). */
  query(sql: string): unknown[];
  /** Put record `from`'s envelope into record `to` as a new revision (a swapped envelope). */
  swapEnvelope(vaultId: string, from: string, to: string): void;
  stop(): Promise<void>;
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

export async function startServer(): Promise<E2eServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coffer-e2e-'));
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [SERVER_BIN, '--data-dir', dataDir, '--host', '127.0.0.1', '--port', String(port)].concat([
      '--public-url',
      url,
      '--web-root',
      WEB_ROOT,
      '--log-level',
      'warn',
    ]),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer) => {
      out += b.toString('utf8');
      if (/listening on https:/.test(out)) {
        child.stderr?.off('data', onData);
        child.stderr?.resume();
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`coffer-server exited (${code}): ${out}`)));
  });
  const cert = new X509Certificate(readFileSync(join(dataDir, 'tls', 'cert.pem')));
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  const db = () => new Database(join(dataDir, 'coffer.sqlite3'));
  return {
    url,
    dataDir,
    certSha256: readFileSync(join(dataDir, 'tls', 'fingerprint-sha256.txt'), 'utf8').trim(),
    spkiSha256: createHash('sha256').update(spki).digest('base64'),
    query(sql) {
      const handle = db();
      try {
        return handle.prepare(sql).all();
      } finally {
        handle.close();
      }
    },
    swapEnvelope(vaultId, from, to) {
      const handle = db();
      try {
        const v = Buffer.from(vaultId, 'hex');
        handle.transaction(() => {
          const source = handle
            .prepare('SELECT envelope, epoch FROM records WHERE vault_id = ? AND record_id = ?')
            .get(v, Buffer.from(from, 'hex')) as { envelope: Buffer; epoch: number };
          const head = handle.prepare('SELECT head_seq FROM vaults WHERE vault_id = ?').get(v) as {
            head_seq: number;
          };
          const seq = head.head_seq + 1;
          handle.prepare('UPDATE vaults SET head_seq = ? WHERE vault_id = ?').run(seq, v);
          handle
            .prepare(
              'UPDATE records SET envelope = ?, epoch = ?, revision = revision + 1, seq = ? WHERE vault_id = ? AND record_id = ?',
            )
            .run(source.envelope, source.epoch, seq, v, Buffer.from(to, 'hex'));
        })();
      } finally {
        handle.close();
      }
    },
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
