/**
 * The BUILT coffer-server over HTTPS with its self-signed certificate, on a
 * temporary data directory and a free loopback port, serving the built web
 * app (the shared @coffer/test-harness). Also the "malicious server" helper
 * that edits its SQLite store.
 */
import { SERVER_BIN, startCofferServer, WEB_ROOT, withServerSqlite } from '@coffer/test-harness';

export { SERVER_BIN, WEB_ROOT };

export interface E2eServer {
  readonly url: string;
  readonly dataDir: string;
  /** SHA-256 of the certificate (hex with colons), as the CLI pins it. */
  readonly certSha256: string;
  /** Base64 SHA-256 of the certificate's public key, for Chromium's SPKI allow-list. */
  readonly spkiSha256: string;
  /** Read the server's SQLite store (what a malicious operator sees). */
  query(sql: string): unknown[];
  /** Put record `from`'s envelope into record `to` as a new revision (a swapped envelope). */
  swapEnvelope(vaultId: string, from: string, to: string): void;
  /** Stop the server and remove its data dir (the harness also does when the test or file is done). */
  stop(): Promise<void>;
}

export async function startServer(): Promise<E2eServer> {
  const server = await startCofferServer({ webRoot: WEB_ROOT, tempPrefix: 'coffer-e2e-' });
  const { dataDir } = server;
  return {
    url: server.url,
    dataDir,
    certSha256: server.certificate.fingerprint256,
    spkiSha256: server.certificate.spkiSha256,
    query: (sql) => withServerSqlite(dataDir, (db) => db.prepare(sql).all()),
    swapEnvelope(vaultId, from, to) {
      withServerSqlite(dataDir, (db) => {
        const v = Buffer.from(vaultId, 'hex');
        db.transaction(() => {
          const source = db
            .prepare('SELECT envelope, epoch FROM records WHERE vault_id = ? AND record_id = ?')
            .get(v, Buffer.from(from, 'hex')) as { envelope: Buffer; epoch: number };
          const head = db.prepare('SELECT head_seq FROM vaults WHERE vault_id = ?').get(v) as {
            head_seq: number;
          };
          const seq = head.head_seq + 1;
          db.prepare('UPDATE vaults SET head_seq = ? WHERE vault_id = ?').run(seq, v);
          db.prepare(
            'UPDATE records SET envelope = ?, epoch = ?, revision = revision + 1, seq = ? WHERE vault_id = ? AND record_id = ?',
          ).run(source.envelope, source.epoch, seq, v, Buffer.from(to, 'hex'));
        })();
      });
    },
    stop: () => server.dispose(),
  };
}
