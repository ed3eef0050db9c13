import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createUser,
  createVault,
  keyGrant,
  newHexId,
  recordEnvelope,
} from '../support/accounts.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ logLevel: 'trace' });
});
afterAll(async () => {
  await t?.close();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('what the server keeps and logs', () => {
  it('never stores a plaintext sealed on the client, and never logs tokens, envelopes or key bundles', async () => {
    const marker = `PLAINTEXT-MARKER-${newHexId()}`;
    const alice = await createUser(t.api());
    const vaultId = await createVault(alice);
    const recordId = newHexId();
    const envelope = await recordEnvelope(
      vaultId,
      recordId,
      1,
      new TextEncoder().encode(marker.repeat(20)),
    );
    const push = await alice.api.post(`/v1/vaults/${vaultId}/push`, {
      mutations: [
        { op: 'put', mutationId: newHexId(), recordId, baseRevision: null, epoch: 1, envelope },
      ],
    });
    expect(push.status).toBe(200);
    const grant = await keyGrant(vaultId, 1);
    await alice.api.put(`/v1/vaults/${vaultId}/grants`, {
      grants: [{ accountId: alice.accountId, epoch: 1, grant }],
    });
    const account = await alice.api.get('/v1/account');
    // Errors on the way must not leak either.
    await alice.api.post(`/v1/vaults/${vaultId}/push`, {
      mutations: [
        { op: 'put', mutationId: newHexId(), recordId, baseRevision: 'x', epoch: 1, envelope },
      ],
    });

    for (const file of filesUnder(t.dataDir)) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from(marker)), file).toBe(false);
    }

    const logs = t.logs.join('\n');
    expect(t.logs.length).toBeGreaterThan(10);
    for (const secret of [
      alice.token,
      envelope.slice(5, 60),
      grant.slice(5, 60),
      account.body.keyBundle.slice(5, 60),
      marker,
    ]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).not.toMatch(/authorization/i);
  });

  it('redacts secret fields should they ever reach a log call', async () => {
    const before = t.logs.length;
    t.server.app.log.info(
      {
        token: 'tok-123',
        body: { keyBundle: 'kb-456' },
        req: { headers: { authorization: 'Bearer abc' } },
      },
      'probe',
    );
    await new Promise<void>((resolve) => setImmediate(resolve));
    const line = t.logs.slice(before).find((l) => l.includes('probe'));
    expect(line).toBeDefined();
    expect(line).not.toContain('tok-123');
    expect(line).not.toContain('kb-456');
    expect(line).not.toContain('Bearer abc');
  });
});

describe('request log lines', () => {
  it('writes one line per request at info (method, route, status, time) and the start only at debug', async () => {
    const info = await startTestServer({ logLevel: 'info' });
    try {
      const alice = await createUser(info.api());
      const before = info.logs.length;
      const res = await alice.api.get('/v1/vaults/00000000000000000000000000000000/changes');
      expect(res.status).toBe(404);
      // The line is written after the answer is sent: wait for it, not for a time.
      const lines = await vi.waitUntil(() => {
        const found = info.logs
          .slice(before)
          .map((l) => JSON.parse(l) as Record<string, Record<string, unknown> | string>);
        return found.length > 0 ? found : undefined;
      });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        msg: 'request completed',
        req: { method: 'GET', url: '/v1/vaults/00000000000000000000000000000000/changes' },
        res: { statusCode: 404 },
      });
      expect(typeof lines[0]?.responseTime).toBe('number');
      expect(JSON.stringify(lines[0])).not.toContain(alice.token);
    } finally {
      await info.close();
    }
    // The trace-level server of this file logs the start of a request too.
    const start = t.logs.length;
    await t.api().get('/healthz');
    await vi.waitUntil(() => t.logs.slice(start).some((l) => l.includes('request completed')));
    expect(t.logs.slice(start).some((l) => l.includes('incoming request'))).toBe(true);
  });
});
