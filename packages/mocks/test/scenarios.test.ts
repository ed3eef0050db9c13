import { MetaResponse, Problem, PullResponse, PushResponse } from '@coffer/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { testRecordEnvelope } from '../src/index.ts';
import { call, createUser, createVault, hexId, type User, useMockServer } from './support.ts';

const coffer = useMockServer();
afterEach(() => {
  vi.useRealTimers();
});

const putMutation = async (vaultId: string, recordId: string, baseRevision: number | null) => ({
  mutationId: hexId(),
  recordId,
  baseRevision,
  op: 'put',
  epoch: 1,
  envelope: await testRecordEnvelope(vaultId, recordId),
});

async function vaultWith(user: User, count: number, rewrites = 0) {
  const vaultId = await createVault(user);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = hexId();
    ids.push(id);
    await call('POST', `/v1/vaults/${vaultId}/push`, {
      token: user.token,
      json: { mutations: [await putMutation(vaultId, id, null)] },
    });
  }
  for (let r = 0; r < rewrites; r++) {
    for (const id of ids) {
      const base = coffer.mock.vault(vaultId).records.get(id)!.revision;
      await call('POST', `/v1/vaults/${vaultId}/push`, {
        token: user.token,
        json: { mutations: [await putMutation(vaultId, id, base)] },
      });
    }
  }
  return { vaultId, ids };
}

const pull = async (user: User, vaultId: string, cursor = 0) =>
  PullResponse.parse(
    (await call('GET', `/v1/vaults/${vaultId}/changes?cursor=${cursor}`, { token: user.token }))
      .body,
  );

describe('offline', () => {
  it('fails every request at the network level, N times if asked, and logs it', async () => {
    coffer.mock.setScenario({ offline: { times: 1 } });
    await expect(call('GET', '/v1/meta')).rejects.toThrow(TypeError);
    expect((await call('GET', '/v1/meta')).status).toBe(200);
    expect(coffer.mock.requestsOf('getMeta').map((r) => r.status)).toEqual(['network-error', 200]);
    coffer.mock.setScenario({ offline: { operations: ['push'] } });
    expect((await call('GET', '/v1/meta')).status).toBe(200);
  });

  it('ends open live streams when the network goes away; reconnecting fails', async () => {
    const alice = await createUser();
    const vaultId = await createVault(alice);
    const open = () =>
      fetch(`https://coffer.test/v1/vaults/${vaultId}/events`, {
        headers: {
          'coffer-protocol': '1',
          'coffer-client': 't/1',
          authorization: `Bearer ${alice.token}`,
        },
      });
    const reader = (await open()).body!.getReader();
    await reader.read();
    expect(coffer.mock.db.live.size).toBe(1);
    coffer.mock.setScenario({ offline: true });
    // msw cannot fail a mocked body mid-stream, so the stream ends; the reconnect meets the outage.
    const rest = async () => {
      for (;;) if ((await reader.read()).done) return 'ended';
    };
    await expect(rest().catch(() => 'failed')).resolves.toMatch(/ended|failed/);
    expect(coffer.mock.db.live.size).toBe(0);
    await expect(open()).rejects.toThrow(TypeError);
  });
});

describe('5xx', () => {
  it('fails N times with 503 unavailable, then succeeds (a flaky server)', async () => {
    coffer.mock.setScenario({ serverError: { times: 2 } });
    for (let i = 0; i < 2; i++) {
      const res = await call('GET', '/v1/meta');
      expect(res.status).toBe(503);
      expect(Problem.parse(res.body).code).toBe('unavailable');
    }
    expect((await call('GET', '/v1/meta')).status).toBe(200);
    expect(coffer.mock.scenario.remaining('serverError')).toBe(0);
  });

  it('500 is an internal problem, 502 a proxy page; `operations` limits the fault', async () => {
    coffer.mock.setScenario({ serverError: { status: 500, operations: ['getMeta'] } });
    expect((await call('GET', '/v1/meta')).body.code).toBe('internal');
    expect((await call('GET', '/healthz')).status).toBe(200);
    coffer.mock.setScenario({ serverError: { status: 502 } });
    const proxy = await call('GET', '/v1/meta');
    expect(proxy.status).toBe(502);
    expect(proxy.headers.get('content-type')).toBe('text/plain');
  });
});

describe('slow responses', () => {
  it('answer only after the delay (fake timers, no waiting)', async () => {
    coffer.mock.setScenario({ delayMs: 5_000 });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let settled = false;
    const pending = call('GET', '/v1/meta').then((r) => {
      settled = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).status).toBe(200);
  });
});

describe('conflicts', () => {
  it('the next push meets a concurrent write of each record it touches', async () => {
    const alice = await createUser();
    const { vaultId, ids } = await vaultWith(alice, 1);
    const recordId = ids[0]!;
    coffer.mock.setScenario({ conflict: { times: 1 } });
    const first = await putMutation(vaultId, recordId, 1);
    const res = PushResponse.parse(
      (
        await call('POST', `/v1/vaults/${vaultId}/push`, {
          token: alice.token,
          json: { mutations: [first] },
        })
      ).body,
    );
    expect(res.results[0]).toMatchObject({
      status: 'conflict',
      current: { revision: 2, deleted: false },
    });
    const retry = await putMutation(vaultId, recordId, 2);
    const ok = PushResponse.parse(
      (
        await call('POST', `/v1/vaults/${vaultId}/push`, {
          token: alice.token,
          json: { mutations: [retry] },
        })
      ).body,
    );
    expect(ok.results[0]).toMatchObject({ status: 'applied', revision: 3 });
  });
});

describe('version mismatch', () => {
  it('meta reports the range and every other request is 426 saying what to upgrade', async () => {
    coffer.mock.setScenario({ versionRange: { min: 2, max: 3 } });
    const meta = MetaResponse.parse(
      (await call('GET', '/v1/meta', { noProtocolHeaders: true })).body,
    );
    expect(meta.protocol).toEqual({ current: 3, min: 2, accepted: [3, 2] });
    const res = await call('GET', '/v1/vaults');
    expect(res.status).toBe(426);
    expect(res.body).toMatchObject({ code: 'version_not_supported', protocol: { min: 2, max: 3 } });
    expect(res.body.detail).toContain('upgrade the client');
  });
});

describe('malformed responses', () => {
  it('valid HTTP with a body that breaks the schema, or is not JSON at all', async () => {
    coffer.mock.setScenario({ malformed: { times: 1 } });
    const shape = await call('GET', '/v1/meta');
    expect(shape.status).toBe(200);
    expect(MetaResponse.safeParse(shape.body).success).toBe(false);
    expect(MetaResponse.safeParse((await call('GET', '/v1/meta')).body).success).toBe(true);
    coffer.mock.setScenario({ malformed: { kind: 'not-json' } });
    const html = await call('GET', '/v1/meta');
    expect(html.status).toBe(200);
    expect(html.body).toBeUndefined();
  });
});

describe('a malicious server', () => {
  it('swaps envelopes between records in pull pages, leaving the stored data alone', async () => {
    const alice = await createUser();
    const { vaultId } = await vaultWith(alice, 3);
    const honest = await pull(alice, vaultId);
    coffer.mock.setScenario({ malicious: { swapEnvelopes: true } });
    const swapped = await pull(alice, vaultId);
    expect(swapped.changes.map((c) => c.recordId)).toEqual(honest.changes.map((c) => c.recordId));
    swapped.changes.forEach((c, i) => {
      expect(c.envelope).not.toBe(honest.changes[i]?.envelope);
    });
    expect(new Set(swapped.changes.map((c) => c.envelope))).toEqual(
      new Set(honest.changes.map((c) => c.envelope)),
    );
  });

  it('rolls records back to an older revision under a new sequence, once per record', async () => {
    const alice = await createUser();
    const { vaultId, ids } = await vaultWith(alice, 2, 1);
    const before = await pull(alice, vaultId);
    coffer.mock.setScenario({ malicious: { rollbackRevisions: true } });
    const after = await pull(alice, vaultId, before.nextCursor);
    expect(after.changes.map((c) => [c.recordId, c.revision]).sort()).toEqual(
      ids.map((id) => [id, 1]).sort(),
    );
    expect(after.changes.every((c) => c.seq > before.nextCursor)).toBe(true);
    expect((await pull(alice, vaultId, after.nextCursor)).changes).toEqual([]);
  });

  it('replays an old envelope at a higher revision', async () => {
    const alice = await createUser();
    const { vaultId, ids } = await vaultWith(alice, 1, 1);
    const first = coffer.mock.vault(vaultId).history.get(ids[0]!)![0]!;
    const before = await pull(alice, vaultId);
    coffer.mock.setScenario({ malicious: { replayEnvelopes: true } });
    const after = await pull(alice, vaultId, before.nextCursor);
    expect(after.changes).toMatchObject([
      { recordId: ids[0], revision: 3, envelope: first.envelope },
    ]);
  });

  it('replays changes at or below the cursor, and drops changes while moving the cursor', async () => {
    const alice = await createUser();
    const { vaultId } = await vaultWith(alice, 4);
    coffer.mock.setScenario({ malicious: { replayChanges: true } });
    const replay = await pull(alice, vaultId, 2);
    expect(replay.changes[0]?.seq).toBeLessThanOrEqual(2);
    coffer.mock.setScenario({ malicious: { dropChanges: true } });
    const dropped = await pull(alice, vaultId);
    expect(dropped.changes.map((c) => c.seq)).toEqual([2, 4]);
    expect(dropped.nextCursor).toBe(4);
  });

  it('tamper shortcuts: rollback, stale envelope, swap', async () => {
    const alice = await createUser();
    const { vaultId, ids } = await vaultWith(alice, 2, 1);
    const [a, b] = ids as [string, string];
    const vault = coffer.mock.vault(vaultId);
    const envA = vault.records.get(a)!.envelope;
    expect(coffer.mock.tamper.swap(vaultId, a, b)).toBe(true);
    expect(vault.records.get(b)!.envelope).toBe(envA);
    expect(coffer.mock.tamper.rollback(vaultId, a)).toBe(true);
    expect(vault.records.get(a)!.revision).toBe(2);
    expect(coffer.mock.tamper.replayOldEnvelope(vaultId, hexId())).toBe(false);
  });
});

describe('runtime control endpoint', () => {
  it('sets, reads and clears a scenario over HTTP, refusing unknown switches', async () => {
    const put = (json: unknown) =>
      fetch('https://coffer.test/__coffer-mock/scenario', {
        method: 'PUT',
        body: JSON.stringify(json),
      });
    expect((await put({ serverError: { times: 1, status: 500 } })).status).toBe(204);
    expect(await (await fetch('https://coffer.test/__coffer-mock/scenario')).json()).toEqual({
      serverError: { times: 1, status: 500 },
    });
    expect((await call('GET', '/v1/meta')).status).toBe(500);
    expect((await put({ explode: true })).status).toBe(400);
    await createUser();
    expect(
      (await fetch('https://coffer.test/__coffer-mock/reset', { method: 'POST' })).status,
    ).toBe(204);
    expect(coffer.mock.db.accounts.size).toBe(0);
  });
});
