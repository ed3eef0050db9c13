import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
