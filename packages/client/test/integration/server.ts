/**
 * A real coffer-server (the BUILT binary) over HTTPS with its self-signed
 * certificate, on a temporary data directory and a free loopback port; the
 * certificate's SHA-256 is read from DATA_DIR/tls/fingerprint-sha256.txt and
 * pinned by every client. (Approach of apps/cli/test/helpers/server.ts.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

export const SERVER_BIN = fileURLToPath(
  new URL('../../../../apps/server/dist/coffer-server.js', import.meta.url),
);

export interface TestServer {
  url: string;
  /** SHA-256 of the certificate, from DATA_DIR/tls/fingerprint-sha256.txt. */
  pinSha256: string;
  dataDir: string;
  stop(): Promise<void>;
  /** Start again on the same data dir and port (after stop). */
  start(): Promise<void>;
  /**
   * Purge every tombstone and raise the purge horizon to the head, as the
   * server's storage does (no route triggers it, so the test writes the
   * server's SQLite file directly).
   */
  purgeTombstones(vaultId: string): void;
  /** Overwrite the stored blob bytes at `offset` (a malicious server). */
  tamperBlob(blobId: string, offset: number): void;
  dispose(): Promise<void>;
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

/** Start coffer-server; resolves once it logged that it listens. */
export async function startTestServer(extraArgs: string[] = []): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coffer-client-it-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const db = () => new Database(join(dataDir, 'coffer.sqlite3'));
  const server: TestServer = {
    url: `https://127.0.0.1:${port}`,
    pinSha256: '',
    dataDir,
    async start() {
      const proc = spawn(
        process.execPath,
        [SERVER_BIN, '--data-dir', dataDir, '--port', String(port), '--log-level', 'warn'].concat(
          extraArgs,
        ),
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child = proc;
      await new Promise<void>((resolve, reject) => {
        let out = '';
        const onData = (b: Buffer) => {
          out += b.toString('utf8');
          if (/listening on https:/.test(out)) {
            proc.stderr?.off('data', onData);
            proc.stderr?.resume();
            resolve();
          }
        };
        proc.stderr?.on('data', onData);
        proc.once('exit', (code) => reject(new Error(`coffer-server exited (${code}): ${out}`)));
      });
      server.pinSha256 = readFileSync(
        join(dataDir, 'tls', 'fingerprint-sha256.txt'),
        'utf8',
      ).trim();
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
    purgeTombstones(vaultId) {
      const handle = db();
      try {
        const v = Buffer.from(vaultId, 'hex');
        handle.transaction(() => {
          handle.prepare('DELETE FROM records WHERE vault_id = ? AND envelope IS NULL').run(v);
          handle.prepare('UPDATE vaults SET purge_horizon = head_seq WHERE vault_id = ?').run(v);
        })();
      } finally {
        handle.close();
      }
    },
    tamperBlob(blobId, offset) {
      const handle = db();
      try {
        const rows = handle
          .prepare('SELECT offset, data FROM blob_chunks WHERE blob_id = ? ORDER BY offset')
          .all(Buffer.from(blobId, 'hex')) as Array<{ offset: number; data: Buffer }>;
        const row = rows.findLast((r) => r.offset <= offset);
        if (!row) throw new Error('no such blob chunk');
        const data = Buffer.from(row.data);
        data[offset - row.offset] = (data[offset - row.offset] ?? 0) ^ 0x01;
        handle
          .prepare('UPDATE blob_chunks SET data = ? WHERE blob_id = ? AND offset = ?')
          .run(data, Buffer.from(blobId, 'hex'), row.offset);
      } finally {
        handle.close();
      }
    },
    async dispose() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
