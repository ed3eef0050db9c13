import {
  AccountResponse,
  LoginResponse,
  PreloginResponse,
  PublicKeysResponse,
  randomBytes,
  SessionList,
} from '@coffer/protocol';
import { describe, expect, it } from 'vitest';
import { signChallenge, testKeyGrant, testSignupBody } from '../src/index.ts';
import { call, createUser, login, useMockServer } from './support.ts';

const coffer = useMockServer();

describe('signup', () => {
  it('creates an account once; the same username again is username_taken', async () => {
    const body = await testSignupBody('alice', randomBytes(32));
    const first = await call('POST', '/v1/accounts', { json: body });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      accountId: expect.stringMatching(/^[0-9a-f]{32}$/),
      username: 'alice',
    });
    const again = await call('POST', '/v1/accounts', { json: body });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('username_taken');
  });

  it('rejects wrong types, unknown fields, weak KDF params and misfiled envelopes, creating nothing', async () => {
    const good = await testSignupBody('bob', randomBytes(32));
    const bad: Array<[string, unknown]> = [
      ['upper-case name', { ...good, username: 'Bob' }],
      ['unknown field', { ...good, admin: true }],
      [
        'weak kdf',
        { ...good, kdf: { ...good.kdf, params: { ...good.kdf.params, memoryKiB: 1024 } } },
      ],
      ['short key', { ...good, loginPublicKey: 'AAAA' }],
      ['grant as bundle', { ...good, keyBundle: await testKeyGrant('0'.repeat(32), 1) }],
      ['garbage armor', { ...good, keyBundle: 'cfr1.AAAA' }],
    ];
    for (const [what, body] of bad) {
      const res = await call('POST', '/v1/accounts', { json: body });
      expect(res.status, what).toBe(400);
      expect(res.body.code, what).toBe('validation_failed');
    }
    expect(coffer.mock.db.accounts.size).toBe(0);
  });
});

describe('login', () => {
  it('gives unknown usernames a deterministic fake KDF of the same shape', async () => {
    const a = await call('POST', '/v1/auth/prelogin', { json: { username: 'nobody' } });
    const b = await call('POST', '/v1/auth/prelogin', { json: { username: 'nobody' } });
    expect(a.status).toBe(200);
    expect(PreloginResponse.parse(a.body)).toEqual(b.body);
    const user = await createUser();
    const real = await call('POST', '/v1/auth/prelogin', { json: { username: user.username } });
    expect(PreloginResponse.parse(real.body).kdf.params.memoryKiB).toBe(65_536);
  });

  it('a signed challenge gives a working session token', async () => {
    const user = await createUser();
    const me = await call('GET', '/v1/account', { token: user.token });
    expect(me.status).toBe(200);
    expect(AccountResponse.parse(me.body).username).toBe(user.username);
  });

  it('refuses a replayed challenge, a wrong key, another purpose and an expired challenge', async () => {
    const user = await createUser();
    const challenge = (
      await call('POST', '/v1/auth/challenge', { json: { username: user.username } })
    ).body;
    expect(challenge.origin).toBe('https://coffer.test');
    const proof = await signChallenge(challenge, user.username, user.loginSeed, 'login');
    const ok = await call('POST', '/v1/auth/login', {
      json: { username: user.username, ...proof },
    });
    expect(LoginResponse.parse(ok.body).accountId).toBe(user.accountId);
    const replay = await call('POST', '/v1/auth/login', {
      json: { username: user.username, ...proof },
    });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('unauthorized');
    const fresh = async () =>
      (await call('POST', '/v1/auth/challenge', { json: { username: user.username } })).body;
    const wrongKey = await signChallenge(await fresh(), user.username, randomBytes(32), 'login');
    expect(
      (await call('POST', '/v1/auth/login', { json: { username: user.username, ...wrongKey } }))
        .status,
    ).toBe(401);
    const other = await signChallenge(
      await fresh(),
      user.username,
      user.loginSeed,
      'delete-account',
    );
    expect(
      (await call('POST', '/v1/auth/login', { json: { username: user.username, ...other } }))
        .status,
    ).toBe(401);
    const expiring = await fresh();
    coffer.mock.db.challenges.get(expiring.challengeId)!.expiresAt = 0;
    const late = await signChallenge(expiring, user.username, user.loginSeed, 'login');
    expect(
      (await call('POST', '/v1/auth/login', { json: { username: user.username, ...late } })).status,
    ).toBe(401);
  });

  it('unknown usernames get a challenge too, but login fails like a bad signature', async () => {
    const challenge = await call('POST', '/v1/auth/challenge', { json: { username: 'ghost' } });
    expect(challenge.status).toBe(200);
    const proof = await signChallenge(challenge.body, 'ghost', randomBytes(32), 'login');
    const res = await call('POST', '/v1/auth/login', { json: { username: 'ghost', ...proof } });
    expect(res.status).toBe(401);
  });

  it('missing, malformed, unknown and revoked tokens are all the same 401; logout ends the session', async () => {
    const user = await createUser();
    for (const token of [undefined, 'short', 'A'.repeat(43)]) {
      const res = await call('GET', '/v1/vaults', token ? { token } : {});
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthorized');
    }
    expect((await call('POST', '/v1/auth/logout', { token: user.token })).status).toBe(204);
    expect((await call('GET', '/v1/vaults', { token: user.token })).status).toBe(401);
  });
});

describe('sessions, credentials, deletion, key directory', () => {
  it('lists sessions and revokes one; another account cannot revoke it', async () => {
    const user = await createUser();
    const second = await login(user.username, user.loginSeed);
    const list = SessionList.parse((await call('GET', '/v1/sessions', { token: user.token })).body);
    expect(list.sessions).toHaveLength(2);
    expect(list.sessions.filter((s) => s.current).map((s) => s.sessionId)).toEqual([
      user.sessionId,
    ]);
    const stranger = await createUser('stranger');
    const foreign = await call('DELETE', `/v1/sessions/${second.body.sessionId}`, {
      token: stranger.token,
    });
    expect(foreign.status).toBe(404);
    expect((await call('DELETE', '/v1/sessions/not-hex', { token: user.token })).status).toBe(404);
    expect(
      (await call('DELETE', `/v1/sessions/${second.body.sessionId}`, { token: user.token })).status,
    ).toBe(204);
    expect((await call('GET', '/v1/vaults', { token: second.body.token })).status).toBe(401);
  });

  it('changes credentials only with a challenge signed by the OLD key; other sessions end', async () => {
    const user = await createUser();
    const other = await login(user.username, user.loginSeed);
    const newSeed = randomBytes(32);
    const next = await testSignupBody(user.username, newSeed);
    const change = {
      loginPublicKey: next.loginPublicKey,
      kdf: next.kdf,
      keyBundle: next.keyBundle,
    };
    const challenge = async () =>
      (await call('POST', '/v1/auth/challenge', { json: { username: user.username } })).body;
    const asLogin = await signChallenge(await challenge(), user.username, user.loginSeed, 'login');
    expect(
      (
        await call('PUT', '/v1/account/credentials', {
          token: user.token,
          json: { ...change, ...asLogin },
        })
      ).status,
    ).toBe(401);
    const proof = await signChallenge(
      await challenge(),
      user.username,
      user.loginSeed,
      'change-credentials',
    );
    expect(
      (
        await call('PUT', '/v1/account/credentials', {
          token: user.token,
          json: { ...change, ...proof },
        })
      ).status,
    ).toBe(204);
    expect((await call('GET', '/v1/account', { token: user.token })).status).toBe(200);
    expect((await call('GET', '/v1/account', { token: other.body.token })).status).toBe(401);
    expect((await login(user.username, user.loginSeed)).status).toBe(401);
    expect((await login(user.username, newSeed)).status).toBe(200);
  });

  it('deletes an account only with a delete-account signature', async () => {
    const user = await createUser();
    const challenge = (
      await call('POST', '/v1/auth/challenge', { json: { username: user.username } })
    ).body;
    const proof = await signChallenge(challenge, user.username, user.loginSeed, 'delete-account');
    expect(
      (await call('DELETE', '/v1/account', { token: user.token, json: { bad: 1 } })).status,
    ).toBe(400);
    expect((await call('DELETE', '/v1/account', { token: user.token, json: proof })).status).toBe(
      204,
    );
    expect((await call('GET', '/v1/account', { token: user.token })).status).toBe(401);
    expect((await login(user.username, user.loginSeed)).status).toBe(401);
  });

  it('returns public keys by username, 404 for unknown, 401 without a session', async () => {
    const alice = await createUser('alice');
    const bob = await createUser('bob');
    const res = await call('GET', `/v1/users/${bob.username}/keys`, { token: alice.token });
    expect(PublicKeysResponse.parse(res.body).accountId).toBe(bob.accountId);
    expect((await call('GET', '/v1/users/nobody-here/keys', { token: alice.token })).status).toBe(
      404,
    );
    expect((await call('GET', '/v1/users/NOT_VALID/keys', { token: alice.token })).status).toBe(
      404,
    );
    expect((await call('GET', `/v1/users/${bob.username}/keys`)).status).toBe(401);
  });
});
