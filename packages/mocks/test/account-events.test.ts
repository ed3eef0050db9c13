// The account live stream of the mock, as the server serves it: `vaults`
// events (connected, then changed on share, role change, removal), only to
// the account concerned; and an old server when asked to play one.
import { MetaResponse, VaultsChangedEvent } from '@coffer/protocol';
import { describe, expect, it } from 'vitest';
import { testKeyGrant } from '../src/index.ts';
import { call, createUser, createVault, type User, useMockServer } from './support.ts';

const coffer = useMockServer();

/** Reasons of the `vaults` events of an open stream, as they arrive. */
async function openAccountStream(user: User) {
  const controller = new AbortController();
  const res = await fetch('https://coffer.test/v1/account/events', {
    headers: {
      'coffer-protocol': '1',
      'coffer-client': 't/1',
      authorization: `Bearer ${user.token}`,
      accept: 'text/event-stream',
    },
    signal: controller.signal,
  });
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const next = async (): Promise<string | null> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (/^event: vaults$/m.test(block) && data)
          return VaultsChangedEvent.parse(JSON.parse(data)).reason;
        continue;
      }
      const chunk = await reader?.read();
      if (!chunk || chunk.done) return null;
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  };
  return { status: res.status, next, close: () => controller.abort() };
}

describe('account events', () => {
  it('connected first, then changed on share, role change and removal; only to that account', async () => {
    const alice = await createUser();
    const bob = await createUser();
    const carol = await createUser();
    const vaultId = await createVault(alice);
    const bobs = await openAccountStream(bob);
    const carols = await openAccountStream(carol);
    expect(bobs.status).toBe(200);
    expect(await bobs.next()).toBe('connected');
    expect(await carols.next()).toBe('connected');
    const shared = await call('POST', `/v1/vaults/${vaultId}/members`, {
      token: alice.token,
      json: {
        accountId: bob.accountId,
        role: 'reader',
        grants: [{ epoch: 1, grant: await testKeyGrant(vaultId, 1) }],
      },
    });
    expect(shared.status).toBe(204);
    expect(await bobs.next()).toBe('changed');
    const path = `/v1/vaults/${vaultId}/members/${bob.accountId}`;
    expect(
      (await call('PATCH', path, { token: alice.token, json: { role: 'writer' } })).status,
    ).toBe(204);
    expect(await bobs.next()).toBe('changed');
    expect((await call('DELETE', path, { token: alice.token })).status).toBe(204);
    expect(await bobs.next()).toBe('changed');
    // Carol's next event is her own share: none of Bob's came before it.
    await coffer.mock.addMember(vaultId, carol.accountId, 'reader');
    expect(await carols.next()).toBe('changed');
    expect(coffer.mock.db.live.countAccount(carol.accountId)).toBe(1);
    // Logout ends the stream.
    await call('POST', '/v1/auth/logout', { token: bob.token });
    expect(await bobs.next()).toBeNull();
    carols.close();
  });

  it('advertises the stream only when asked; noAccountEvents plays an older server', async () => {
    const alice = await createUser();
    expect((await call('GET', '/v1/meta')).body).not.toHaveProperty('features');
    const asked = MetaResponse.parse((await call('GET', '/v1/meta?features=1')).body);
    expect(asked.features).toEqual(['account-events']);
    coffer.mock.setScenario({ noAccountEvents: true });
    expect((await call('GET', '/v1/meta?features=1')).body).not.toHaveProperty('features');
    const old = await call('GET', '/v1/account/events', { token: alice.token });
    expect(old.status).toBe(404);
    expect(old.body.code).toBe('not_found');
  });
});
