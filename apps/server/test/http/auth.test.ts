import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KDF_PARAMS, PreloginResponse } from '../../src/protocol.ts';
import { AUTH_RATE_LIMITS } from '../../src/server.ts';
import {
  createUser,
  KDF,
  keyBundle,
  login,
  signedChallenge,
  signupBody,
} from '../support/accounts.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const seed = (): Uint8Array => new Uint8Array(randomBytes(32));
const name = (p: string): string => `${p}-${randomBytes(4).toString('hex')}`;

describe('signup', () => {
  it('creates an account once; the same username again is username_taken', async () => {
    const username = name('sam');
    const body = await signupBody(username, seed());
    const first = await t.api().post('/v1/accounts', body);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ accountId: expect.stringMatching(/^[0-9a-f]{32}$/), username });
    const again = await t.api().post('/v1/accounts', await signupBody(username, seed()));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('username_taken');
  });

  it('rejects wrong types, unknown fields, weak KDF params and misfiled envelopes without creating anything', async () => {
    const username = name('bad');
    const good = await signupBody(username, seed());
    const cases: Array<[string, unknown]> = [
      ['wrong type', { ...good, username: 42 }],
      ['unknown field', { ...good, isAdmin: true }],
      [
        'memory below the floor',
        { ...good, kdf: { ...good.kdf, params: { ...KDF, memoryKiB: 32_768 } } },
      ],
      [
        'iterations below the floor',
        { ...good, kdf: { ...good.kdf, params: { ...KDF, iterations: 2 } } },
      ],
      [
        'memory above the ceiling',
        { ...good, kdf: { ...good.kdf, params: { ...KDF, memoryKiB: 4_194_304 } } },
      ],
      ['short public key', { ...good, loginPublicKey: 'AAAA' }],
      ['not armor', { ...good, keyBundle: 'hello' }],
      ['armor of garbage', { ...good, keyBundle: 'cfr1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }],
      [
        'record envelope as key bundle',
        { ...good, keyBundle: (await keyBundle(username)).replace('cfr1.', 'cfr1.') },
      ],
    ];
    // The last case must really be a record envelope.
    const { recordEnvelope } = await import('../support/accounts.ts');
    cases[cases.length - 1] = [
      'record as key bundle',
      { ...good, keyBundle: await recordEnvelope('00'.repeat(16), '11'.repeat(16)) },
    ];
    for (const [what, body] of cases) {
      const res = await t.api().post('/v1/accounts', body);
      expect(res.status, what).toBe(400);
      expect(res.body.code, what).toBe('validation_failed');
    }
    const prelogin = await t.api().post('/v1/auth/prelogin', { username });
    const real = await t.api().post('/v1/accounts', good);
    expect(real.status).toBe(201);
    // The account did not exist before: its prelogin salt was the fake one, now it is the real one.
    const after = await t.api().post('/v1/auth/prelogin', { username });
    expect(after.body.kdf.salt).toBe(good.kdf.salt);
    expect(prelogin.body.kdf.salt).not.toBe(good.kdf.salt);
  });
});

describe('prelogin', () => {
  it('gives unknown usernames a deterministic fake of the same shape', async () => {
    const ghost = name('ghost');
    const a = await t.api().post('/v1/auth/prelogin', { username: ghost });
    const b = await t.api().post('/v1/auth/prelogin', { username: ghost });
    expect(a.status).toBe(200);
    expect(PreloginResponse.parse(a.body)).toEqual(b.body);
    // The fake parameters are the ones clients create accounts with.
    expect(a.body.kdf.params).toEqual({ algorithm: 'argon2id', ...DEFAULT_KDF_PARAMS });
    const user = await createUser(t.api());
    const real = await t.api().post('/v1/auth/prelogin', { username: user.username });
    expect(Object.keys(real.body.kdf)).toEqual(Object.keys(a.body.kdf));
    expect(Object.keys(real.body.kdf.params)).toEqual(Object.keys(a.body.kdf.params));
  });
});

describe('login', () => {
  it('a signed challenge gives a session token that works, once', async () => {
    const user = await createUser(t.api());
    const me = await user.api.get('/v1/account');
    expect(me.status).toBe(200);
    expect(me.body.username).toBe(user.username);
    expect(me.body.keyBundle).toMatch(/^cfr1\./);
  });

  it('rejects a replayed challenge, an expired one, a wrong key and a signature for another purpose', async () => {
    const username = name('ivy');
    const loginSeed = seed();
    await t.api().post('/v1/accounts', await signupBody(username, loginSeed));

    const proof = await signedChallenge(t.api(), username, loginSeed, 'login');
    expect((await t.api().post('/v1/auth/login', { username, ...proof })).status).toBe(200);
    const replay = await t.api().post('/v1/auth/login', { username, ...proof });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('unauthorized');

    const stale = await signedChallenge(t.api(), username, loginSeed, 'login');
    t.clock.now += 61_000;
    const expired = await t.api().post('/v1/auth/login', { username, ...stale });
    t.clock.now -= 61_000;
    expect(expired.status).toBe(401);

    const wrongKey = await signedChallenge(t.api(), username, seed(), 'login');
    expect((await t.api().post('/v1/auth/login', { username, ...wrongKey })).status).toBe(401);

    const otherPurpose = await signedChallenge(t.api(), username, loginSeed, 'delete-account');
    expect((await t.api().post('/v1/auth/login', { username, ...otherPurpose })).status).toBe(401);

    // A challenge issued for one user cannot log in another.
    const other = await createUser(t.api());
    const forOther = await signedChallenge(t.api(), other.username, loginSeed, 'login');
    expect((await t.api().post('/v1/auth/login', { username, ...forOther })).status).toBe(401);
  });

  it('unknown usernames get a challenge too, but login fails like a bad signature', async () => {
    const ghost = name('ghost');
    const proof = await signedChallenge(t.api(), ghost, seed(), 'login');
    const res = await t.api().post('/v1/auth/login', { username: ghost, ...proof });
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('missing, invalid, expired or revoked credentials');
  });

  it('behind a trusted proxy, rate-limits by the address the proxy appended, not one the client wrote', async () => {
    const proxied = await startTestServer({
      config: { trustProxy: true },
      overrides: { rateLimits: AUTH_RATE_LIMITS },
    });
    try {
      const username = name('spoof');
      const statuses: number[] = [];
      for (let i = 0; i < 15; i++) {
        // A made-up first entry per request, then the client's real address.
        const res = await proxied
          .api()
          .post(
            '/v1/auth/prelogin',
            { username },
            { headers: { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.7` } },
          );
        statuses.push(res.status);
      }
      expect(statuses).toContain(429);
      // Another client behind the same proxy has its own bucket.
      const other = await proxied
        .api()
        .post('/v1/auth/prelogin', { username }, { headers: { 'x-forwarded-for': '203.0.113.8' } });
      expect(other.status).toBe(200);
    } finally {
      await proxied.close();
    }
  });

  it('rate-limits attempts per address and username', async () => {
    const limited_ = await startTestServer({ overrides: { rateLimits: AUTH_RATE_LIMITS } });
    try {
      await rateLimited(limited_);
    } finally {
      await limited_.close();
    }
  });

  it('a client that waits the Retry-After it was given then logs in (all three requests pass)', async () => {
    const limited_ = await startTestServer({ overrides: { rateLimits: AUTH_RATE_LIMITS } });
    try {
      const user = await createUser(limited_.api());
      let retryAfter = 0;
      for (let i = 0; i < 15 && retryAfter === 0; i++) {
        const res = await limited_.api().post('/v1/auth/prelogin', { username: user.username });
        if (res.status === 429) retryAfter = Number(res.headers['retry-after']);
      }
      expect(retryAfter).toBeGreaterThan(0);
      limited_.clock.now += retryAfter * 1000;
      const api = limited_.api();
      expect((await api.post('/v1/auth/prelogin', { username: user.username })).status).toBe(200);
      expect((await login(api, user.username, user.loginSeed)).status).toBe(200);
    } finally {
      await limited_.close();
    }
  });
});

async function rateLimited(t: TestServer): Promise<void> {
  {
    const username = name('rate');
    let limited:
      | { status: number; headers: Record<string, unknown>; body: { code: string } }
      | undefined;
    for (let i = 0; i < 15 && !limited; i++) {
      const res = await t.api().post('/v1/auth/prelogin', { username });
      if (res.status === 429) limited = res;
    }
    expect(limited?.body.code).toBe('rate_limited');
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThan(0);
    // Another username from the same address is not blocked by that bucket.
    expect((await t.api().post('/v1/auth/prelogin', { username: name('other') })).status).toBe(200);
  }
}

describe('sessions and tokens', () => {
  it('missing, malformed, unknown, expired and revoked tokens are all the same 401', async () => {
    const user = await createUser(t.api());
    const bad = [t.api(), t.api('not-a-token'), t.api(randomBytes(32).toString('base64url'))];
    for (const api of bad) {
      const res = await api.get('/v1/vaults');
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('unauthorized');
    }
    // A token in the query string is never accepted.
    const inUrl = await t.api().get(`/v1/vaults?access_token=${user.token}`);
    expect(inUrl.status).toBe(401);

    t.clock.now += 31 * 24 * 3600 * 1000;
    expect((await user.api.get('/v1/vaults')).status).toBe(401);
    t.clock.now -= 31 * 24 * 3600 * 1000;
    expect((await user.api.get('/v1/vaults')).status).toBe(200);

    expect((await user.api.post('/v1/auth/logout')).status).toBe(204);
    expect((await user.api.get('/v1/vaults')).status).toBe(401);
  });

  it('lists sessions and revokes one; another account cannot revoke it', async () => {
    const user = await createUser(t.api());
    const second = await login(t.api(), user.username, user.loginSeed);
    const list = await user.api.get('/v1/sessions');
    expect(list.status).toBe(200);
    expect(list.body.sessions).toHaveLength(2);
    expect(list.body.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(second.body.token);

    const stranger = await createUser(t.api());
    const foreign = await stranger.api.delete(`/v1/sessions/${second.body.sessionId}`);
    expect(foreign.status).toBe(404);
    expect((await t.api(second.body.token).get('/v1/vaults')).status).toBe(200);

    expect((await user.api.delete(`/v1/sessions/${second.body.sessionId}`)).status).toBe(204);
    expect((await t.api(second.body.token).get('/v1/vaults')).status).toBe(401);
  });
});

describe('device names', () => {
  const loginAs = async (user: { username: string; loginSeed: Uint8Array }, deviceName: string) => {
    const proof = await signedChallenge(t.api(), user.username, user.loginSeed, 'login');
    return t.api().post('/v1/auth/login', { username: user.username, deviceName, ...proof });
  };

  it('refuses bidi controls and other format characters that make a label lie', async () => {
    const user = await createUser(t.api());
    const before = (await user.api.get('/v1/sessions')).body;
    for (const deviceName of [
      'laptop \u202Egpj.exe', // RIGHT-TO-LEFT OVERRIDE
      '\u202Aembedded', // LEFT-TO-RIGHT EMBEDDING
      'phone\u202C',
      'a\u2066isolated\u2069', // LRI ... PDI
      'a\u2067b\u2068c',
      'mark\u200F', // RIGHT-TO-LEFT MARK
      'arabic\u061Cmark',
      'soft\u00ADhyphen',
      'zero\u200Bwidth',
      'word\u2060joiner',
      '\uFEFFbom',
      'line\u2028sep',
      'lone\uD800',
    ]) {
      const res = await loginAs(user, deviceName);
      expect(res.status, JSON.stringify(deviceName)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.issues).toEqual([expect.objectContaining({ path: 'deviceName' })]);
    }
    expect((await user.api.get('/v1/sessions')).body).toEqual(before);
  });

  it('keeps accents, right-to-left scripts and emoji (ZWJ sequences, skin tones, flags)', async () => {
    const user = await createUser(t.api());
    const names = [
      'Ålice’s 📱 phone',
      'famille 👨\u200D👩\u200D👧 e\u0301',
      '👍🏽 ❤️ 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}',
      'מחשב נייד',
      'لپ\u200Cتاپ',
    ];
    for (const deviceName of names) {
      const res = await loginAs(user, deviceName);
      expect(res.status, JSON.stringify(deviceName)).toBe(200);
    }
    const listed = (await user.api.get('/v1/sessions')).body.sessions.map(
      (s: { label: string }) => s.label,
    );
    expect(listed).toEqual(expect.arrayContaining(names));
  });
});

describe('passphrase change and account deletion', () => {
  it('needs a challenge signed by the OLD key; the new key works, other sessions end', async () => {
    const user = await createUser(t.api());
    const other = await login(t.api(), user.username, user.loginSeed);
    const newSeed = seed();
    const next = await signupBody(user.username, newSeed);
    const change = {
      loginPublicKey: next.loginPublicKey,
      kdf: next.kdf,
      keyBundle: next.keyBundle,
    };

    const withNewKey = await signedChallenge(t.api(), user.username, newSeed, 'change-credentials');
    expect(
      (await user.api.put('/v1/account/credentials', { ...change, ...withNewKey })).status,
    ).toBe(401);
    const asLogin = await signedChallenge(t.api(), user.username, user.loginSeed, 'login');
    expect((await user.api.put('/v1/account/credentials', { ...change, ...asLogin })).status).toBe(
      401,
    );
    // Nothing changed yet: the old key still logs in.
    expect((await login(t.api(), user.username, user.loginSeed)).status).toBe(200);

    const proof = await signedChallenge(
      t.api(),
      user.username,
      user.loginSeed,
      'change-credentials',
    );
    expect((await user.api.put('/v1/account/credentials', { ...change, ...proof })).status).toBe(
      204,
    );
    expect((await user.api.get('/v1/account')).status).toBe(200);
    expect((await t.api(other.body.token).get('/v1/account')).status).toBe(401);
    expect((await login(t.api(), user.username, user.loginSeed)).status).toBe(401);
    expect((await login(t.api(), user.username, newSeed)).status).toBe(200);
    const prelogin = await t.api().post('/v1/auth/prelogin', { username: user.username });
    expect(prelogin.body.kdf.salt).toBe(next.kdf.salt);
  });

  it('deletes an account only with a fresh delete-account signature', async () => {
    const user = await createUser(t.api());
    expect(
      (
        await user.api.delete('/v1/account', {
          challengeId: '00'.repeat(16),
          signature: 'A'.repeat(86),
        })
      ).status,
    ).toBe(401);
    const proof = await signedChallenge(t.api(), user.username, user.loginSeed, 'delete-account');
    expect((await user.api.delete('/v1/account', proof)).status).toBe(204);
    expect((await user.api.get('/v1/account')).status).toBe(401);
    expect((await login(t.api(), user.username, user.loginSeed)).status).toBe(401);
  });
});

describe('key directory', () => {
  it('returns public keys by username, 404 for unknown', async () => {
    const alice = await createUser(t.api());
    const bob = await createUser(t.api());
    const res = await alice.api.get(`/v1/users/${bob.username}/keys`);
    expect(res.status).toBe(200);
    expect(res.body.accountId).toBe(bob.accountId);
    expect(Object.keys(res.body).sort()).toEqual([
      'accountId',
      'encryptionPublicKey',
      'signingPublicKey',
      'username',
    ]);
    expect((await alice.api.get('/v1/users/nobody-here-xyz/keys')).status).toBe(404);
    expect((await t.api().get(`/v1/users/${bob.username}/keys`)).status).toBe(401);
  });
});
