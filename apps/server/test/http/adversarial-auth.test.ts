/**
 * Credentials and content an attacker forges: expired, replayed and borrowed
 * login challenges, signatures for another purpose, usernames in other
 * scripts, envelopes forged or cut short, and key grants written over a
 * higher role's. Each is refused with its stable code and changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { encodeArmor } from '@coffer/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUser,
  keyBundle,
  keyGrant,
  newHexId,
  recordEnvelope,
  signedChallenge,
  signupBody,
  type TestUser,
} from '../support/accounts.ts';
import { buildWorld, snapshot, type World } from '../support/adversary-world.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let t: TestServer;
let w: World;
beforeAll(async () => {
  t = await startTestServer({ keepAlive: true });
  w = await buildWorld(t);
});
afterAll(async () => {
  await t?.close();
});

/** Envelopes sent by the tests: none may reach a log line. */
const sent: string[] = [];

/** Expect a problem with `code`; return nothing so cases read as a list. */
async function refused(res: Promise<{ status: number; body: { code?: string } }>, code: string) {
  const answer = await res;
  expect(answer.body.code, JSON.stringify(answer.body)).toBe(code);
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
}

describe('login challenges', () => {
  it('refuses expired, replayed, borrowed and mis-purposed challenges, and forged signatures', async () => {
    const alice = w.alice.owner;
    const api = t.api();
    const before = await snapshot(w);
    const as = (proof: object, username = alice.username) =>
      api.post('/v1/auth/login', { username, ...proof });

    await refused(as(w.expiredChallenge), 'unauthorized');
    const used = await signedChallenge(api, alice.username, alice.loginSeed, 'login');
    const first = await as(used);
    expect(first.status).toBe(200);
    await alice.api.delete(`/v1/sessions/${first.body.sessionId}`);
    const mid = await snapshot(w);
    await refused(as(used), 'unauthorized');
    // The writer's challenge, signed with alice's key, for alice.
    const borrowed = await signedChallenge(api, w.writer.username, alice.loginSeed, 'login');
    await refused(as(borrowed), 'unauthorized');
    for (const purpose of ['change-credentials', 'delete-account'] as const) {
      await refused(
        as(await signedChallenge(api, alice.username, alice.loginSeed, purpose)),
        'unauthorized',
      );
    }
    const wrongKey = await signedChallenge(api, alice.username, w.writer.loginSeed, 'login');
    await refused(as(wrongKey), 'unauthorized');
    const proof = await signedChallenge(api, alice.username, alice.loginSeed, 'login');
    await refused(as({ ...proof, signature: proof.signature.slice(0, -2) }), 'validation_failed');
    await refused(
      as({ ...proof, challengeId: proof.challengeId.toUpperCase() }),
      'validation_failed',
    );
    await refused(as({ challengeId: newHexId(), signature: proof.signature }), 'unauthorized');
    expect(await snapshot(w)).toBe(mid);
    expect(mid).toBe(before); // the one good login's session was revoked again
  });

  it('needs a fresh proof of the login key to change credentials or delete the account', async () => {
    const alice = w.alice.owner;
    const before = await snapshot(w);
    const login = await signedChallenge(t.api(), alice.username, alice.loginSeed, 'login');
    await refused(alice.api.delete('/v1/account', login), 'unauthorized');
    const old = await signedChallenge(t.api(), alice.username, alice.loginSeed, 'delete-account');
    // Signed by alice but presented with the writer's session: the account of the token decides.
    await refused(w.writer.api.delete('/v1/account', old), 'unauthorized');
    const change = await signedChallenge(
      t.api(),
      alice.username,
      w.writer.loginSeed,
      'change-credentials',
    );
    const {
      loginPublicKey,
      kdf,
      keyBundle: bundle,
    } = await signupBody(alice.username, randomBytes(32));
    const body = { loginPublicKey, kdf, keyBundle: bundle, ...change };
    await refused(alice.api.put('/v1/account/credentials', body), 'unauthorized');
    expect(await snapshot(w)).toBe(before);
  });
});

describe('usernames', () => {
  const lookalikes = [
    'ålice',
    'ＡＬＩＣＥ',
    'alice\u200b',
    'Alice',
    'al',
    'a'.repeat(65),
    '-alice',
    'alice\n',
    'al ice',
    'аlice',
  ];

  it('refuses names outside lower-case ASCII everywhere and looks none of them up', async () => {
    const before = await snapshot(w);
    const api = t.api();
    for (const username of lookalikes) {
      await refused(
        api.post('/v1/accounts', await signupBody(username, randomBytes(32))),
        'validation_failed',
      );
      await refused(api.post('/v1/auth/prelogin', { username }), 'validation_failed');
      await refused(api.post('/v1/auth/challenge', { username }), 'validation_failed');
      await refused(
        w.writer.api.get(`/v1/users/${encodeURIComponent(username)}/keys`),
        'not_found',
      );
    }
    expect(await snapshot(w)).toBe(before);
  });
});

/** A real envelope with one byte changed. */
function tamper(armored: string, at: number, value: number): string {
  const bytes = Buffer.from(armored.slice(5), 'base64url');
  bytes[at] = value;
  return encodeArmor(new Uint8Array(bytes));
}

describe('envelopes', () => {
  it('refuses forged and cut-off envelopes on every route that stores one', async () => {
    const { owner, vaultId } = w.alice;
    const recordId = newHexId();
    const good = await recordEnvelope(vaultId, recordId);
    const grant = await keyGrant(vaultId, 1);
    sent.push(good, grant);
    const forgeries = (envelope: string) => [
      envelope.slice(0, 30),
      // 4k+1 base64url characters spell no byte string.
      envelope.slice(0, 5 + 4 * Math.floor((envelope.length - 10) / 4) + 1),
      `${envelope}=`,
      envelope.replace('cfr1.', 'cfr2.'),
      `cfr1.${randomBytes(200).toString('base64url')}`,
      tamper(envelope, 3, 2), // format version 2
      tamper(envelope, 5, 2), // unknown suite
      tamper(envelope, 7, 0x80), // unknown flag
      tamper(envelope, 8, 9), // unknown content type
      tamper(envelope, 12, 7), // another key epoch
    ];
    const before = await snapshot(w);
    const put = (envelope: string) => ({
      mutations: [
        { op: 'put', mutationId: newHexId(), recordId, baseRevision: null, epoch: 1, envelope },
      ],
    });
    for (const envelope of [...forgeries(good), grant]) {
      await refused(
        owner.api.post(`/v1/vaults/${vaultId}/push`, put(envelope)),
        'validation_failed',
      );
    }
    for (const envelope of [...forgeries(grant), good]) {
      const grants = [{ accountId: owner.accountId, epoch: 1, grant: envelope }];
      await refused(owner.api.put(`/v1/vaults/${vaultId}/grants`, { grants }), 'validation_failed');
    }
    const bundle = await keyBundle('newcomer');
    sent.push(bundle);
    // A key bundle's epoch is the client's business (nothing rotates it on the server).
    for (const envelope of [...forgeries(bundle).slice(0, -1), good]) {
      const body = {
        ...(await signupBody(`newcomer-${newHexId().slice(0, 8)}`, randomBytes(32))),
        keyBundle: envelope,
      };
      await refused(t.api().post('/v1/accounts', body), 'validation_failed');
    }
    const huge = `cfr1.${randomBytes(270_000).toString('base64url')}`;
    await refused(owner.api.post(`/v1/vaults/${vaultId}/push`, put(huge)), 'validation_failed');
    expect(await snapshot(w)).toBe(before);
  });
});

describe('key grants', () => {
  let admin: TestUser;
  beforeAll(async () => {
    admin = await createUser(t.api(), 'admin');
    const res = await w.alice.owner.api.post(`/v1/vaults/${w.alice.vaultId}/members`, {
      accountId: admin.accountId,
      role: 'admin',
      grants: [{ epoch: 1, grant: await keyGrant(w.alice.vaultId, 1) }],
    });
    expect(res.status).toBe(204);
  });

  it("an admin cannot overwrite the owner's key grant, only those of members below", async () => {
    const { owner, vaultId } = w.alice;
    const grantsPath = `/v1/vaults/${vaultId}/grants`;
    const before = await snapshot(w);
    const mine = (await owner.api.get(grantsPath)).body;
    const over = {
      grants: [{ accountId: owner.accountId, epoch: 1, grant: await keyGrant(vaultId, 1) }],
    };
    await refused(admin.api.put(grantsPath, over), 'forbidden');
    expect((await owner.api.get(grantsPath)).body).toEqual(mine);
    expect(await snapshot(w)).toBe(before);

    const forWriter = {
      grants: [{ accountId: w.writer.accountId, epoch: 1, grant: await keyGrant(vaultId, 1) }],
    };
    expect((await admin.api.put(grantsPath, forWriter)).status).toBe(204);
    const ownGrant = {
      grants: [{ accountId: admin.accountId, epoch: 1, grant: await keyGrant(vaultId, 1) }],
    };
    expect((await admin.api.put(grantsPath, ownGrant)).status).toBe(204);
    const writerGrants = (await w.writer.api.get(grantsPath)).body.grants;
    expect(writerGrants).toEqual([
      expect.objectContaining({ epoch: 1, grantedBy: admin.accountId }),
    ]);
  });
});

describe('the log stream', () => {
  it('holds no token, no envelope and no error line after all of the above', () => {
    const logs = t.logs.join('\n');
    expect(sent.length).toBeGreaterThan(0);
    for (const secret of [...w.allTokens, ...sent.map((e) => e.slice(5, 60))])
      expect(logs).not.toContain(secret);
    const errors = t.logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
    expect(errors).toEqual([]);
  });
});
