/**
 * A real coffer-server (the BUILT binary) over HTTPS with its self-signed
 * certificate, on a temporary data directory and a free loopback port, pinned
 * by every client: the shared harness (@coffer/test-harness) plus what these
 * suites do to the server's SQLite file.
 */
import { SERVER_BIN, startCofferServer, withServerSqlite } from '@coffer/test-harness';

export { SERVER_BIN };

export interface TestServer {
  readonly url: string;
  /** SHA-256 of the certificate, from DATA_DIR/tls/fingerprint-sha256.txt. */
  readonly pinSha256: string;
  readonly dataDir: string;
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

/** Start coffer-server (with `extraArgs`); resolves once it answers through its pinned certificate. */
export async function startTestServer(extraArgs: string[] = []): Promise<TestServer> {
  const server = await startCofferServer({ args: extraArgs, tempPrefix: 'coffer-client-it-' });
  const { dataDir } = server;
  return {
    url: server.url,
    pinSha256: server.certificate.fingerprint256,
    dataDir,
    stop: () => server.stop(),
    start: () => server.start(),
    dispose: () => server.dispose(),
    purgeTombstones(vaultId) {
      withServerSqlite(dataDir, (db) => {
        const v = Buffer.from(vaultId, 'hex');
        db.transaction(() => {
          db.prepare('DELETE FROM records WHERE vault_id = ? AND envelope IS NULL').run(v);
          db.prepare('UPDATE vaults SET purge_horizon = head_seq WHERE vault_id = ?').run(v);
        })();
      });
    },
    tamperBlob(blobId, offset) {
      withServerSqlite(dataDir, (db) => {
        const id = Buffer.from(blobId, 'hex');
        const rows = db
          .prepare('SELECT offset, data FROM blob_chunks WHERE blob_id = ? ORDER BY offset')
          .all(id) as Array<{ offset: number; data: Buffer }>;
        const row = rows.findLast((r) => r.offset <= offset);
        if (!row) throw new Error('no such blob chunk');
        const data = Buffer.from(row.data);
        data[offset - row.offset] = (data[offset - row.offset] ?? 0) ^ 0x01;
        db.prepare('UPDATE blob_chunks SET data = ? WHERE blob_id = ? AND offset = ?').run(
          data,
          id,
          row.offset,
        );
      });
    },
  };
}
