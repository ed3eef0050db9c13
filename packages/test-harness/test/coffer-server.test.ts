import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CofferServer,
  fetchPinnedMeta,
  startCofferServer,
  withServerSqlite,
} from '../src/index.ts';
import { startOrphan, waitUntilGone, waitUntilRefused } from './support.ts';

const started: CofferServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.dispose()));
});

async function start(...args: Parameters<typeof startCofferServer>): Promise<CofferServer> {
  const server = await startCofferServer(...args);
  started.push(server);
  return server;
}

describe('startCofferServer', () => {
  it('serves /v1/meta over HTTPS pinned to the certificate in its data dir, on SQLite by default', async () => {
    const server = await start();
    expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
    expect(server.certificate.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(server.certificate.spkiSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const meta = await fetchPinnedMeta(server.url, server.certificate);
    expect(meta).toMatchObject({ server: { name: 'coffer-server' } });
    expect(existsSync(join(server.dataDir, 'coffer.sqlite3'))).toBe(true);
    const tables = withServerSqlite(server.dataDir, (db) =>
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'vaults'").all(),
    );
    expect(tables).toHaveLength(1);
  });

  it('restarts on the same port and certificate, and dispose removes everything', async () => {
    const server = await start();
    const { url, certificate } = server;
    await server.stop();
    expect(server.running).toBe(false);
    await waitUntilRefused(server.port);
    await server.start();
    expect(server.url).toBe(url);
    expect(server.certificate.fingerprint256).toBe(certificate.fingerprint256);
    await fetchPinnedMeta(server.url, certificate);
    await server.dispose();
    expect(existsSync(server.dataDir)).toBe(false);
    await waitUntilRefused(server.port);
  });

  it('moves to another port when the one it was given is taken', async () => {
    // It accepts connections and never answers: the worst neighbour for a readiness probe.
    const sockets = new Set<Socket>();
    const squatter: Server = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = (squatter.address() as { port: number }).port;
    try {
      const server = await start({ port: taken });
      expect(server.port).not.toBe(taken);
      expect(server.output()).toContain(`port ${taken} was taken`);
      await fetchPinnedMeta(server.url, server.certificate);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => squatter.close(resolve));
    }
  });

  it('refuses a server whose certificate is not the pinned one', async () => {
    const one = await start();
    const two = await start();
    await expect(fetchPinnedMeta(one.url, two.certificate)).rejects.toThrow();
  });

  it('shows what the server printed when it cannot start', async () => {
    await expect(startCofferServer({ args: ['--session-ttl', 'soon'] })).rejects.toThrow(
      /exited before it was ready \(exit code 2\)[\s\S]*--session-ttl/,
    );
  });

  it('hands a PostgreSQL URL to the server instead of using SQLite', async () => {
    // Nothing listens on port 1: the server must fail connecting to PostgreSQL.
    await expect(
      startCofferServer({ databaseUrl: 'postgres://coffer@127.0.0.1:1/coffer' }),
    ).rejects.toThrow(/cannot start[\s\S]*(ECONNREFUSED|connect)/);
  });
});

describe('a test process that dies', () => {
  it('takes its server and the data dir with it when it is SIGKILLed', async () => {
    const orphan = await startOrphan('kill');
    orphan.child.kill('SIGKILL');
    await waitUntilRefused(orphan.port);
    // The server removes it as it exits (after the port closed).
    await waitUntilGone(orphan.dataDir);
  });

  it('kills its server and removes the data dir when it exits without stopping it', async () => {
    const orphan = await startOrphan('exit');
    await orphan.exited;
    expect(existsSync(orphan.dataDir)).toBe(false);
    await waitUntilRefused(orphan.port);
  });
});
