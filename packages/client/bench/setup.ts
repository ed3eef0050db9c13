/**
 * Bench fixtures: a real coffer-server (built binary, SQLite, HTTPS with its
 * pinned self-signed certificate), an account, and a vault seeded with N
 * sealed 1 KiB records pushed straight through the transport.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeArmor, toHex } from '@coffer/protocol';
import type { CofferClient } from '../src/client.ts';
import { createClient, createTlsFetch } from '../src/node.ts';
import { recordIdForName, sealRecordData } from '../src/records/record-crypto.ts';
import { MemoryStore } from '../src/store/memory-store.ts';
import type { LocalStore } from '../src/store/types.ts';
import type { RecordOpener } from '../src/sync/record-opener.ts';
import { HttpTransport } from '../src/transport/http-transport.ts';
import { startTestServer, type TestServer } from '../test/integration/server.ts';

export const PASSPHRASE = 'bench passphrase, long enough';

export function buildServer(): void {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  execFileSync('pnpm', ['--filter', 'coffer-server', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export interface Fixture {
  server: TestServer;
  username: string;
  vaultId: string;
  owner: CofferClient;
}

export type ServerRef = Pick<TestServer, 'url' | 'pinSha256'>;

export function newClient(
  server: ServerRef,
  store: LocalStore = new MemoryStore(),
  opener?: RecordOpener,
): CofferClient {
  return createClient({
    serverUrl: server.url,
    store,
    clientName: 'client-bench',
    clientVersion: '0.0.0',
    tls: { pinSha256: server.pinSha256 },
    ...(opener ? { opener } : {}),
  });
}

/** CPU seconds (user + system) used so far by the processes whose command line or environment names `dataDir`. */
export function serverCpuSeconds(dataDir: string): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const names = (f: string) => readFileSync(`/proc/${pid}/${f}`, 'latin1').includes(dataDir);
      if (Number(pid) === process.pid || !(names('cmdline') || names('environ'))) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone, or not ours to read
    }
  }
  return ticks / 100; // USER_HZ
}

/** A raw transport with this client's token (the baseline: no decryption, no store). */
export function rawTransport(server: ServerRef, token: string): HttpTransport {
  const t = new HttpTransport({
    serverUrl: server.url,
    clientName: 'client-bench',
    clientVersion: '0.0.0',
    fetch: createTlsFetch({ pinSha256: server.pinSha256 }),
  });
  t.setToken(token);
  return t;
}

/** Start a server, sign up, create a vault and push `count` records of `bytes` each. */
export async function seed(count: number, bytes: number): Promise<Fixture> {
  const server = await startTestServer();
  const owner = newClient(server);
  const username = `bench-${process.pid}`;
  await owner.accounts.signup(username, PASSPHRASE);
  const session = await owner.accounts.login(username, PASSPHRASE);
  const { vaultId } = await owner.vaults.create();
  const ring = await owner.vaults.keyring(vaultId);
  const transport = rawTransport(server, owner.accounts.token!);
  const author = { signer: { kid: session.signingKid, seed: session.bundle.ed25519.seed } };
  const content = new Uint8Array(bytes).fill(0x61);
  const now = Date.now();
  for (let start = 0; start < count; start += 500) {
    const mutations = await Promise.all(
      Array.from({ length: Math.min(500, count - start) }, async (_, k) => {
        const name = `record-${start + k}`;
        const recordId = await recordIdForName(ring, name);
        const envelope = await sealRecordData(
          ring,
          recordId,
          {
            name,
            type: 'bench',
            content,
            createdAt: now,
            updatedAt: now,
            authorKid: session.signingKid,
          },
          author,
        );
        return {
          op: 'put' as const,
          mutationId: toHex(crypto.getRandomValues(new Uint8Array(16))),
          recordId,
          baseRevision: null,
          epoch: ring.current.epoch,
          envelope: encodeArmor(envelope),
        };
      }),
    );
    await transport.push(vaultId, { atomic: false, mutations });
  }
  return { server, username, vaultId, owner };
}

/** Log in, waiting out the server's login rate limit (the bench logs in several times a minute). */
export async function loginPatiently(client: CofferClient, username: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.accounts.login(username, PASSPHRASE);
      return;
    } catch (error) {
      const { code, retryAfterMs } = error as { code?: string; retryAfterMs?: number };
      if (code !== 'rate_limited' || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryAfterMs ?? 1000));
    }
  }
}
