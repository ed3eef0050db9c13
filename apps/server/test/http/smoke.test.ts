import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, createVault, newHexId, newRecordPush } from '../support/accounts.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

describe('smoke', () => {
  it('signs up, creates a vault, pushes and pulls over pinned HTTPS', async () => {
    expect(t.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const meta = await t.api().get('/v1/meta');
    expect(meta.status).toBe(200);
    const alice = await createUser(t.api(), 'alice');
    const vaultId = await createVault(alice);
    const recordId = newHexId();
    const push = await alice.api.post(
      `/v1/vaults/${vaultId}/push`,
      await newRecordPush(vaultId, recordId),
    );
    expect(push.status, push.text).toBe(200);
    expect(push.body.results[0]).toMatchObject({ status: 'applied', revision: 1, seq: 1 });
    const pull = await alice.api.get(`/v1/vaults/${vaultId}/changes?cursor=0`);
    expect(pull.status, pull.text).toBe(200);
    expect(pull.body.changes).toHaveLength(1);
  });
});
