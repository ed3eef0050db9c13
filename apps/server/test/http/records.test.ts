import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeArmor,
  decodeBinaryPullPage,
  PULL_PAGE_BINARY_TYPE,
  PullResponse,
  PushResponse,
} from '../../src/protocol.ts';
import {
  createUser,
  createVault,
  keyGrant,
  newHexId,
  recordEnvelope,
  type TestUser,
} from '../support/accounts.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
let alice: TestUser;
beforeAll(async () => {
  t = await startTestServer();
  alice = await createUser(t.api(), 'alice');
});
afterAll(async () => {
  await t?.close();
});

async function put(
  vaultId: string,
  recordId: string,
  baseRevision: number | null,
  mutationId = newHexId(),
  epoch = 1,
) {
  return {
    op: 'put',
    mutationId,
    recordId,
    baseRevision,
    epoch,
    envelope: await recordEnvelope(vaultId, recordId, epoch),
  };
}

describe('push and pull', () => {
  it('applies, detects conflicts with the current state, and replays a retried mutationId', async () => {
    const vaultId = await createVault(alice);
    const recordId = newHexId();
    const first = await put(vaultId, recordId, null);
    const res = await alice.api.post(`/v1/vaults/${vaultId}/push`, { mutations: [first] });
    expect(PushResponse.parse(res.body).results).toEqual([
      { mutationId: first.mutationId, status: 'applied', revision: 1, seq: 1 },
    ]);
    // All applied is written as text (push-body.ts): same type and bytes as the object.
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.text).toBe(JSON.stringify(res.body));

    const retry = await alice.api.post(`/v1/vaults/${vaultId}/push`, { mutations: [first] });
    expect(retry.body.results).toEqual(res.body.results);

    const stale = await put(vaultId, recordId, null);
    const conflict = await alice.api.post(`/v1/vaults/${vaultId}/push`, { mutations: [stale] });
    expect(conflict.body.results[0]).toEqual({
      mutationId: stale.mutationId,
      status: 'conflict',
      current: { revision: 1, seq: 1, epoch: 1, envelope: first.envelope, deleted: false },
    });
    const missing = await put(vaultId, newHexId(), 4);
    const none = await alice.api.post(`/v1/vaults/${vaultId}/push`, { mutations: [missing] });
    expect(none.body.results[0]).toEqual({
      mutationId: missing.mutationId,
      status: 'conflict',
      current: null,
    });

    const del = { op: 'delete', mutationId: newHexId(), recordId, baseRevision: 1 };
    const deleted = await alice.api.post(`/v1/vaults/${vaultId}/push`, { mutations: [del] });
    expect(deleted.body.results[0]).toMatchObject({ status: 'applied', revision: 2, seq: 2 });

    const pull = await alice.api.get(`/v1/vaults/${vaultId}/changes?cursor=0`);
    const page = PullResponse.parse(pull.body);
    expect(page.changes).toEqual([
      {
        seq: 2,
        recordId,
        revision: 2,
        epoch: 1,
        envelope: null,
        deleted: true,
        authorId: alice.accountId,
      },
    ]);
    expect(page).toMatchObject({ nextCursor: 2, hasMore: false });
  });

  it('atomic batches apply all or nothing', async () => {
    const vaultId = await createVault(alice);
    const taken = newHexId();
    await alice.api.post(`/v1/vaults/${vaultId}/push`, {
      mutations: [await put(vaultId, taken, null)],
    });
    const fresh = await put(vaultId, newHexId(), null);
    const clash = await put(vaultId, taken, null);
    const res = await alice.api.post(`/v1/vaults/${vaultId}/push`, {
      atomic: true,
      mutations: [fresh, clash],
    });
    expect(res.body.applied).toBe(false);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual([
      'aborted',
      'conflict',
    ]);
    const pull = await alice.api.get(`/v1/vaults/${vaultId}/changes`);
    expect(pull.body.changes).toHaveLength(1);
  });

  it('paginates in sequence order and answers resync_required below the purge horizon', async () => {
    const vaultId = await createVault(alice);
    const mutations = await Promise.all(
      Array.from({ length: 25 }, () => put(vaultId, newHexId(), null)),
    );
    await alice.api.post(`/v1/vaults/${vaultId}/push`, { mutations });
    const seqs: number[] = [];
    let cursor = 0;
    for (;;) {
      const page = await alice.api.get(`/v1/vaults/${vaultId}/changes?cursor=${cursor}&limit=10`);
      seqs.push(...page.body.changes.map((c: { seq: number }) => c.seq));
      cursor = page.body.nextCursor;
      if (!page.body.hasMore) break;
    }
    expect(seqs).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));

    const ahead = await alice.api.get(`/v1/vaults/${vaultId}/changes?cursor=999`);
    expect(ahead.status).toBe(410);
    expect(ahead.body.code).toBe('resync_required');

    const first = mutations[0]!;
    await alice.api.post(`/v1/vaults/${vaultId}/push`, {
      mutations: [
        { op: 'delete', mutationId: newHexId(), recordId: first.recordId, baseRevision: 1 },
      ],
    });
    await t.server.store.purgeTombstones(vaultId, 27);
    const old = await alice.api.get(`/v1/vaults/${vaultId}/changes?cursor=3`);
    expect(old.status).toBe(410);
    expect(old.body.code).toBe('resync_required');
    expect((await alice.api.get(`/v1/vaults/${vaultId}/changes?cursor=0`)).status).toBe(200);
  });

  it('answers the binary pull page to a client that asks for it: the same changes as JSON', async () => {
    const vaultId = await createVault(alice);
    const kept = await put(vaultId, newHexId(), null);
    const gone = await put(vaultId, newHexId(), null);
    await alice.api.post(`/v1/vaults/${vaultId}/push`, { mutations: [kept, gone] });
    const del = { op: 'delete', mutationId: newHexId(), recordId: gone.recordId, baseRevision: 1 };
    await alice.api.post(`/v1/vaults/${vaultId}/push`, { mutations: [del] });

    const path = `/v1/vaults/${vaultId}/changes?cursor=0&limit=1`;
    const json = await alice.api.get(path);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.headers.vary).toMatch(/accept/i);
    const accept = `${PULL_PAGE_BINARY_TYPE}, application/json;q=0.9`;
    for (const limit of [1, 10]) {
      const query = `/v1/vaults/${vaultId}/changes?cursor=0&limit=${limit}`;
      const asJson = PullResponse.parse((await alice.api.get(query)).body);
      const binary = await alice.api.get(query, { headers: { accept } });
      expect(binary.status).toBe(200);
      expect(binary.headers['content-type']).toBe(PULL_PAGE_BINARY_TYPE);
      expect(binary.headers.vary).toMatch(/accept/i);
      const page = decodeBinaryPullPage(new Uint8Array(binary.bytes));
      expect(page.nextCursor).toBe(asJson.nextCursor);
      expect(page.hasMore).toBe(asJson.hasMore);
      expect(page.changes).toEqual(
        asJson.changes.map((c) => ({ ...c, envelope: c.envelope && decodeArmor(c.envelope) })),
      );
    }
    // The tombstone travels as one: deleted, no envelope.
    const all = decodeBinaryPullPage(
      new Uint8Array(
        (await alice.api.get(`/v1/vaults/${vaultId}/changes`, { headers: { accept } })).bytes,
      ),
    );
    expect(all.changes.map((c) => [c.deleted, c.envelope === null])).toEqual([
      [false, false],
      [true, true],
    ]);

    // q=0 is a refusal; problems stay problem+json whatever was asked.
    const refused = await alice.api.get(path, {
      headers: { accept: `${PULL_PAGE_BINARY_TYPE};q=0` },
    });
    expect(refused.headers['content-type']).toMatch(/^application\/json/);
    const ahead = await alice.api.get(`/v1/vaults/${vaultId}/changes?cursor=999`, {
      headers: { accept },
    });
    expect(ahead.status).toBe(410);
    expect(ahead.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('rejects malformed pushes and changes nothing', async () => {
    const vaultId = await createVault(alice);
    const recordId = newHexId();
    const good = await put(vaultId, recordId, null);
    const otherType = { ...good, envelope: await keyGrant(vaultId, 1) };
    const wrongEpoch = { ...good, envelope: await recordEnvelope(vaultId, recordId, 2) };
    const futureEpoch = await put(vaultId, recordId, null, newHexId(), 2);
    const cases: Array<[string, unknown, number]> = [
      ['no mutations', { mutations: [] }, 400],
      ['unknown field', { mutations: [good], force: true }, 400],
      ['unknown mutation field', { mutations: [{ ...good, author: 'x' }] }, 400],
      ['bad op', { mutations: [{ ...good, op: 'upsert' }] }, 400],
      ['string revision', { mutations: [{ ...good, baseRevision: '1' }] }, 400],
      ['uppercase id', { mutations: [{ ...good, recordId: recordId.toUpperCase() }] }, 400],
      ['key-grant as record', { mutations: [otherType] }, 400],
      ['epoch mismatch', { mutations: [wrongEpoch] }, 400],
      ['epoch not yet existing', { mutations: [futureEpoch] }, 400],
      ['repeated mutationId', { mutations: [good, { ...good, recordId: newHexId() }] }, 400],
      ['too many', { mutations: Array.from({ length: 501 }, () => good) }, 400],
      [
        'oversize envelope',
        { mutations: [{ ...good, envelope: `cfr1.${'A'.repeat(400_000)}` }] },
        400,
      ],
      [
        'oversize body',
        {
          mutations: Array.from({ length: 30 }, () => ({
            ...good,
            envelope: `cfr1.${'A'.repeat(340_000)}`,
          })),
        },
        413,
      ],
    ];
    for (const [what, body, status] of cases) {
      const res = await alice.api.post(`/v1/vaults/${vaultId}/push`, body);
      expect(res.status, what).toBe(status);
    }
    const malformed = await alice.api.call('POST', `/v1/vaults/${vaultId}/push`, {
      raw: '{"mutations": [',
    });
    expect(malformed.status).toBe(400);
    expect((await alice.api.get(`/v1/vaults/${vaultId}/changes`)).body.changes).toEqual([]);
    expect((await alice.api.get(`/v1/vaults/${vaultId}/changes?cursor=-1`)).status).toBe(400);
    expect((await alice.api.get(`/v1/vaults/${vaultId}/changes?limit=5000`)).status).toBe(400);
    expect((await alice.api.get(`/v1/vaults/${vaultId}/changes?since=0`)).status).toBe(400);
  });

  it('many clients pushing the same record: exactly one wins per baseRevision, no gaps', async () => {
    const vaultId = await createVault(alice);
    const recordId = newHexId();
    await alice.api.post(`/v1/vaults/${vaultId}/push`, {
      mutations: [await put(vaultId, recordId, null)],
    });
    for (const base of [1, 2, 3]) {
      const bodies = await Promise.all(
        Array.from({ length: 12 }, async () => ({
          mutations: [await put(vaultId, recordId, base)],
        })),
      );
      const answers = await Promise.all(
        bodies.map((b) => alice.api.post(`/v1/vaults/${vaultId}/push`, b)),
      );
      const statuses = answers.map((a) => a.body.results[0].status);
      expect(statuses.filter((s) => s === 'applied')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'conflict')).toHaveLength(11);
    }
    // A second record interleaved keeps the sequence gapless.
    const pull = await alice.api.get(`/v1/vaults/${vaultId}/changes`);
    expect(pull.body.changes).toEqual([expect.objectContaining({ seq: 4, revision: 4 })]);
    expect((await alice.api.get(`/v1/vaults/${vaultId}`)).body.headSeq).toBe(4);
  });
});

describe('tombstone retention', () => {
  it('purges deletions older than --tombstone-retention and sends older cursors to a resync', async () => {
    const server = await startTestServer({ config: { tombstoneRetention: 2 } });
    try {
      const bob = await createUser(server.api(), 'bob');
      const vaultId = await createVault(bob);
      const gone = newHexId();
      const kept = newHexId();
      const push = (mutations: unknown[]) =>
        bob.api.post(`/v1/vaults/${vaultId}/push`, { mutations });
      await push([await put(vaultId, gone, null), await put(vaultId, kept, null)]);
      await push([{ op: 'delete', mutationId: newHexId(), recordId: gone, baseRevision: 1 }]);
      // Within the retention nothing goes.
      server.clock.now += 1 * 24 * 3600 * 1000;
      await server.server.housekeeping();
      expect((await bob.api.get(`/v1/vaults/${vaultId}/changes?cursor=1`)).status).toBe(200);

      server.clock.now += 2 * 24 * 3600 * 1000;
      await server.server.housekeeping();
      const stale = await bob.api.get(`/v1/vaults/${vaultId}/changes?cursor=1`);
      expect(stale.status).toBe(410);
      expect(stale.body.code).toBe('resync_required');
      const fresh = PullResponse.parse(
        (await bob.api.get(`/v1/vaults/${vaultId}/changes?cursor=0`)).body,
      );
      expect(fresh.changes.map((c) => [c.recordId, c.deleted])).toEqual([[kept, false]]);
      expect(server.logs.some((line) => line.includes('purged tombstones past retention'))).toBe(
        true,
      );
    } finally {
      await server.close();
    }
  });
});
