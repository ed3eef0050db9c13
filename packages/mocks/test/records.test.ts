import { PullResponse, PushResponse, SeqEvent } from '@coffer/protocol';
import { describe, expect, it } from 'vitest';
import { testRecordEnvelope } from '../src/index.ts';
import { MOCK_MAX_LIVE_STREAMS_PER_ACCOUNT } from '../src/routes/live.ts';
import { call, createUser, createVault, hexId, type User, useMockServer } from './support.ts';

const coffer = useMockServer();

const put = async (
  vaultId: string,
  recordId: string,
  baseRevision: number | null,
  mutationId = hexId(),
) => ({
  mutationId,
  recordId,
  baseRevision,
  op: 'put' as const,
  epoch: 1,
  envelope: await testRecordEnvelope(vaultId, recordId),
});

const push = (user: User, vaultId: string, mutations: unknown[], atomic?: boolean) =>
  call('POST', `/v1/vaults/${vaultId}/push`, {
    token: user.token,
    json: atomic === undefined ? { mutations } : { atomic, mutations },
  });

const pull = (user: User, vaultId: string, query = '') =>
  call('GET', `/v1/vaults/${vaultId}/changes${query}`, { token: user.token });

describe('push', () => {
  it('applies, detects conflicts with the current state, and replays a retried mutationId', async () => {
    const alice = await createUser();
    const vaultId = await createVault(alice);
    const recordId = hexId();
    const first = await put(vaultId, recordId, null);
    const applied = PushResponse.parse((await push(alice, vaultId, [first])).body);
    expect(applied).toEqual({
      results: [{ mutationId: first.mutationId, status: 'applied', revision: 1, seq: 1 }],
      applied: true,
    });
    const stale = await put(vaultId, recordId, null);
    const conflict = PushResponse.parse((await push(alice, vaultId, [stale])).body);
    expect(conflict.applied).toBe(false);
    expect(conflict.results[0]).toEqual({
      mutationId: stale.mutationId,
      status: 'conflict',
      current: { revision: 1, seq: 1, epoch: 1, envelope: first.envelope, deleted: false },
    });
    const retried = PushResponse.parse((await push(alice, vaultId, [first])).body);
    expect(retried.results[0]).toMatchObject({ status: 'applied', revision: 1, seq: 1 });
    expect(coffer.mock.vault(vaultId).headSeq).toBe(1);
    const del = { mutationId: hexId(), recordId, baseRevision: 1, op: 'delete' };
    expect(PushResponse.parse((await push(alice, vaultId, [del])).body).results[0]).toMatchObject({
      revision: 2,
      seq: 2,
    });
    // A null base re-creates a deleted record, continuing its revisions.
    const again = PushResponse.parse(
      (await push(alice, vaultId, [await put(vaultId, recordId, null)])).body,
    );
    expect(again.results[0]).toMatchObject({ status: 'applied', revision: 3, seq: 3 });
    expect(coffer.mock.requestsOf('push').at(-1)?.mutationIds).toHaveLength(1);
  });

  it('atomic batches apply all or nothing', async () => {
    const alice = await createUser();
    const vaultId = await createVault(alice);
    const a = hexId();
    await push(alice, vaultId, [await put(vaultId, a, null)]);
    const batch = [await put(vaultId, hexId(), null), await put(vaultId, a, null)];
    const res = PushResponse.parse((await push(alice, vaultId, batch, true)).body);
    expect(res.results.map((r) => r.status)).toEqual(['aborted', 'conflict']);
    expect(res.applied).toBe(false);
    expect(coffer.mock.vault(vaultId).headSeq).toBe(1);
    const retry = PushResponse.parse((await push(alice, vaultId, [batch[0]], true)).body);
    expect(retry.results[0]).toMatchObject({ status: 'applied', seq: 2 });
  });

  it('rejects malformed pushes and changes nothing', async () => {
    const alice = await createUser();
    const vaultId = await createVault(alice);
    const recordId = hexId();
    const good = await put(vaultId, recordId, null);
    const bad: Array<[string, unknown[]]> = [
      ['empty batch', []],
      [
        'repeated mutation id',
        [good, { ...(await put(vaultId, hexId(), null)), mutationId: good.mutationId }],
      ],
      ['future epoch', [{ ...good, epoch: 2 }]],
      [
        'envelope of another epoch',
        [{ ...good, envelope: await testRecordEnvelope(vaultId, recordId, 2) }],
      ],
      ['not armor', [{ ...good, envelope: 'hello' }]],
      ['bad revision', [{ ...good, baseRevision: 0 }]],
      ['unknown op', [{ ...good, op: 'upsert' }]],
    ];
    for (const [what, mutations] of bad) {
      const res = await push(alice, vaultId, mutations);
      expect(res.status, what).toBe(400);
      expect(res.body.code, what).toBe('validation_failed');
    }
    expect(coffer.mock.vault(vaultId).headSeq).toBe(0);
  });
});

describe('pull', () => {
  it('paginates in sequence order, returns each record once, and answers resync_required', async () => {
    const alice = await createUser();
    const vaultId = await createVault(alice);
    const ids = [hexId(), hexId(), hexId()];
    for (const id of ids) await push(alice, vaultId, [await put(vaultId, id, null)]);
    await push(alice, vaultId, [
      { mutationId: hexId(), recordId: ids[0], baseRevision: 1, op: 'delete' },
    ]);
    const page1 = PullResponse.parse((await pull(alice, vaultId, '?cursor=0&limit=2')).body);
    expect(page1.changes.map((c) => c.seq)).toEqual([2, 3]);
    expect(page1).toMatchObject({ nextCursor: 3, hasMore: true });
    const page2 = PullResponse.parse((await pull(alice, vaultId, '?cursor=3&limit=2')).body);
    expect(page2.changes).toMatchObject([
      { seq: 4, recordId: ids[0], deleted: true, envelope: null, revision: 2 },
    ]);
    expect(page2).toMatchObject({ nextCursor: 4, hasMore: false });
    expect(PullResponse.parse((await pull(alice, vaultId, '?cursor=4')).body)).toEqual({
      changes: [],
      nextCursor: 4,
      hasMore: false,
    });
    const ahead = await pull(alice, vaultId, '?cursor=99');
    expect(ahead.status).toBe(410);
    expect(ahead.body.code).toBe('resync_required');
    coffer.mock.purgeTombstones(vaultId);
    const old = await pull(alice, vaultId, '?cursor=1');
    expect(old.status).toBe(410);
    expect(old.body.code).toBe('resync_required');
    expect(PullResponse.parse((await pull(alice, vaultId, '?cursor=0')).body).changes).toHaveLength(
      2,
    );
  });

  it('as the server: a record purged and created again never reuses a revision; the last page ends at the head', async () => {
    const alice = await createUser();
    const vaultId = await createVault(alice);
    const kept = hexId();
    const gone = hexId();
    await push(alice, vaultId, [await put(vaultId, kept, null)]); // seq 1
    await push(alice, vaultId, [await put(vaultId, gone, null)]); // seq 2, rev 1
    await push(alice, vaultId, [await put(vaultId, gone, 1)]); // seq 3, rev 2
    await push(alice, vaultId, [
      { mutationId: hexId(), recordId: gone, baseRevision: 2, op: 'delete' },
    ]); // seq 4
    coffer.mock.purgeTombstones(vaultId);
    // The newest change was the purged deletion: the resync's cursor still reaches the head.
    const resync = PullResponse.parse((await pull(alice, vaultId, '?cursor=0&resync=1')).body);
    expect(resync.changes.map((c) => c.seq)).toEqual([1]);
    expect(resync).toMatchObject({ nextCursor: 4, hasMore: false });
    expect((await pull(alice, vaultId, '?cursor=4')).status).toBe(200);
    // Created again: above the horizon (4), never revision 1 or 2 again.
    const again = PushResponse.parse(
      (await push(alice, vaultId, [await put(vaultId, gone, null)])).body,
    );
    expect(again.results[0]).toMatchObject({ status: 'applied', revision: 5, seq: 5 });
    // An edit queued on the earlier life's revision 2 conflicts.
    const stale = PushResponse.parse(
      (await push(alice, vaultId, [await put(vaultId, gone, 2)])).body,
    );
    expect(stale.results[0]).toMatchObject({ status: 'conflict', current: { revision: 5 } });
  });

  it('resync=1 pages a full resync past the purge horizon; a cursor ahead still needs a resync', async () => {
    const alice = await createUser();
    const vaultId = await createVault(alice);
    const ids = [hexId(), hexId(), hexId(), hexId()];
    for (const id of ids) await push(alice, vaultId, [await put(vaultId, id, null)]);
    await push(alice, vaultId, [
      { mutationId: hexId(), recordId: ids[1], baseRevision: 1, op: 'delete' },
    ]);
    coffer.mock.purgeTombstones(vaultId);
    // A resync's first page (cursor 0) is always fine; its second page's cursor is below the horizon.
    const first = PullResponse.parse(
      (await pull(alice, vaultId, '?cursor=0&limit=2&resync=1')).body,
    );
    expect(first.changes.map((c) => c.seq)).toEqual([1, 3]);
    expect((await pull(alice, vaultId, `?cursor=${first.nextCursor}&limit=2`)).body.code).toBe(
      'resync_required',
    );
    const second = await pull(alice, vaultId, `?cursor=${first.nextCursor}&limit=2&resync=1`);
    expect(second.status).toBe(200);
    expect(PullResponse.parse(second.body)).toEqual({
      changes: [expect.objectContaining({ seq: 4, recordId: ids[3] })],
      // The head: the purged deletion (seq 5) is past the last row.
      nextCursor: 5,
      hasMore: false,
    });
    const ahead = await pull(alice, vaultId, '?cursor=99&resync=1');
    expect(ahead.status).toBe(410);
    expect(ahead.body.code).toBe('resync_required');
    for (const q of ['?cursor=1&resync=true', '?cursor=1&resync=0', '?cursor=1&resync=']) {
      expect((await pull(alice, vaultId, q)).body.code, q).toBe('validation_failed');
    }
  });

  it('validates the query like the server', async () => {
    const alice = await createUser();
    const vaultId = await createVault(alice);
    for (const q of [
      '?cursor=-1',
      '?limit=5000',
      '?limit=0',
      '?since=0',
      '?cursor=abc',
      // Only plain decimal digits are numbers.
      '?cursor=',
      '?cursor=0x0',
      '?limit=1e2',
      '?cursor=%200',
      '?limit=10.0',
    ]) {
      const res = await pull(alice, vaultId, q);
      expect(res.status, q).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
    expect((await pull(alice, vaultId, '?cursor=00&limit=7')).status).toBe(200);
  });
});

describe('live events', () => {
  async function* events(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (/^event: seq$/m.test(block) && data) yield SeqEvent.parse(JSON.parse(data));
        end = buffer.indexOf('\n\n');
      }
    }
  }

  it('sends the head first, then every new sequence; logout ends the stream', async () => {
    const alice = await createUser();
    const vaultId = await createVault(alice);
    await push(alice, vaultId, [await put(vaultId, hexId(), null)]);
    const res = await fetch(`https://coffer.test/v1/vaults/${vaultId}/events`, {
      headers: {
        'coffer-protocol': '1',
        'coffer-client': 't/1',
        authorization: `Bearer ${alice.token}`,
        accept: 'text/event-stream',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const seen: number[] = [];
    for await (const event of events(res.body!)) {
      seen.push(event.seq);
      if (seen.length === 1) await push(alice, vaultId, [await put(vaultId, hexId(), null)]);
      if (seen.length === 2) await call('POST', '/v1/auth/logout', { token: alice.token });
    }
    expect(seen).toEqual([1, 2]);
    expect(coffer.mock.db.live.size).toBe(0);
  });

  it('caps open streams per account like the server (429 rate_limited); a closed one frees its slot', async () => {
    const alice = await createUser();
    const bob = await createUser();
    const vaultId = await createVault(alice);
    const open = (user: User, signal?: AbortSignal) =>
      fetch(`https://coffer.test/v1/vaults/${vaultId}/events`, {
        headers: {
          'coffer-protocol': '1',
          'coffer-client': 't/1',
          authorization: `Bearer ${user.token}`,
          accept: 'text/event-stream',
        },
        ...(signal ? { signal } : {}),
      });
    const first = new AbortController();
    const streams = [await open(alice, first.signal)];
    for (let i = 1; i < MOCK_MAX_LIVE_STREAMS_PER_ACCOUNT; i++) streams.push(await open(alice));
    expect(streams.every((s) => s.status === 200)).toBe(true);
    const over = await open(alice);
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('30');
    expect(((await over.json()) as { code: string }).code).toBe('rate_limited');
    await coffer.mock.addMember(vaultId, bob.accountId, 'reader');
    const bobs = await open(bob);
    expect(bobs.status).toBe(200);
    first.abort();
    expect(coffer.mock.db.live.countAccount(alice.accountId)).toBe(
      MOCK_MAX_LIVE_STREAMS_PER_ACCOUNT - 1,
    );
    expect((await open(alice)).status).toBe(200);
    await call('POST', '/v1/auth/logout', { token: alice.token });
    await call('POST', '/v1/auth/logout', { token: bob.token });
    expect(coffer.mock.db.live.size).toBe(0);
  });
});
