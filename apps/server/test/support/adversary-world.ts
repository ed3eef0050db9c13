/**
 * A populated server for the adversarial tests: two tenants with vaults,
 * records, blobs and uploads, members of every role, a removed member, and
 * credentials that must not work (revoked, expired, of a deleted account).
 * `snapshot()` reads everything a client can see, to prove a refused request
 * changed nothing.
 */
import { randomBytes } from 'node:crypto';
import {
  createUser,
  createVault,
  keyGrant,
  login,
  newHexId,
  recordEnvelope,
  signedChallenge,
  type TestUser,
} from './accounts.ts';
import type { Api } from './api.ts';
import type { TestServer } from './test-server.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface Tenant {
  owner: TestUser;
  vaultId: string;
  /** A completed blob of the vault. */
  blobId: string;
  /** An unfinished upload of the owner (4 of 8 bytes received). */
  uploadId: string;
}

export interface World {
  t: TestServer;
  alice: Tenant;
  mallory: Tenant;
  /** Members of alice's vault. */
  writer: TestUser;
  reader: TestUser;
  /** Was a writer of alice's vault, then removed. */
  removed: TestUser;
  /** A second session of alice, still live (target of DELETE /v1/sessions). */
  aliceOtherSessionId: string;
  /** Tokens that must be refused everywhere. */
  dead: { revoked: string; expired: string; deletedAccount: string };
  /** A challenge of alice's that has expired (never used). */
  expiredChallenge: { challengeId: string; signature: string };
  /** Every token handed out, live or dead: none may appear in a log line. */
  allTokens: string[];
  /** Every envelope uploaded: none may appear in a log line. */
  allEnvelopes: string[];
}

async function addMember(owner: TestUser, vaultId: string, member: TestUser, role: string) {
  const res = await owner.api.post(`/v1/vaults/${vaultId}/members`, {
    accountId: member.accountId,
    role,
    grants: [{ epoch: 1, grant: await keyGrant(vaultId, 1) }],
  });
  if (res.status !== 204) throw new Error(`add member: ${res.status} ${res.text}`);
}

async function tenant(api: Api, prefix: string, envelopes: string[]): Promise<Tenant> {
  const owner = await createUser(api, prefix);
  const vaultId = await createVault(owner);
  const mutations = [];
  for (let i = 0; i < 3; i++) {
    const recordId = newHexId();
    const envelope = await recordEnvelope(vaultId, recordId);
    envelopes.push(envelope);
    mutations.push({
      op: 'put',
      mutationId: newHexId(),
      recordId,
      baseRevision: null,
      epoch: 1,
      envelope,
    });
  }
  const push = await owner.api.post(`/v1/vaults/${vaultId}/push`, { mutations });
  if (push.status !== 200) throw new Error(`push: ${push.status} ${push.text}`);
  const octets = { contentType: 'application/octet-stream' };
  const blob = await owner.api.post(`/v1/vaults/${vaultId}/blobs`, { size: 16 });
  const blobId = blob.body.blobId as string;
  await owner.api.call('PUT', `/v1/vaults/${vaultId}/blobs/${blobId}/chunks?offset=0`, {
    ...octets,
    raw: randomBytes(16),
  });
  const done = await owner.api.post(`/v1/vaults/${vaultId}/blobs/${blobId}/complete`);
  if (done.status !== 200) throw new Error(`blob: ${done.status} ${done.text}`);
  const upload = await owner.api.post(`/v1/vaults/${vaultId}/blobs`, { size: 8 });
  const uploadId = upload.body.blobId as string;
  await owner.api.call('PUT', `/v1/vaults/${vaultId}/blobs/${uploadId}/chunks?offset=0`, {
    ...octets,
    raw: randomBytes(4),
  });
  return { owner, vaultId, blobId, uploadId };
}

/** Build the world on a fresh test server (whose clock it moves and restores). */
export async function buildWorld(t: TestServer): Promise<World> {
  const api = t.api();
  const envelopes: string[] = [];
  const alice = await tenant(api, 'alice', envelopes);
  const mallory = await tenant(api, 'mallory', envelopes);
  const writer = await createUser(api, 'writer');
  const reader = await createUser(api, 'reader');
  const removed = await createUser(api, 'removed');
  await addMember(alice.owner, alice.vaultId, writer, 'writer');
  await addMember(alice.owner, alice.vaultId, reader, 'reader');
  await addMember(alice.owner, alice.vaultId, removed, 'writer');
  const gone = await alice.owner.api.delete(
    `/v1/vaults/${alice.vaultId}/members/${removed.accountId}`,
  );
  if (gone.status !== 204) throw new Error(`remove: ${gone.status}`);

  const other = await login(api, alice.owner.username, alice.owner.loginSeed);
  const revoked = await login(api, alice.owner.username, alice.owner.loginSeed);
  await alice.owner.api.delete(`/v1/sessions/${revoked.body.sessionId}`);

  // Sessions and challenges made "in the past" have expired by the present clock.
  const present = t.clock.now;
  t.clock.now = present - 40 * DAY_MS;
  const expired = await login(api, alice.owner.username, alice.owner.loginSeed);
  const expiredChallenge = await signedChallenge(
    api,
    alice.owner.username,
    alice.owner.loginSeed,
    'login',
  );
  t.clock.now = present;

  const doomed = await createUser(api, 'doomed');
  const proof = await signedChallenge(api, doomed.username, doomed.loginSeed, 'delete-account');
  const deleted = await doomed.api.delete('/v1/account', proof);
  if (deleted.status !== 204) throw new Error(`delete account: ${deleted.status}`);

  const live = [alice.owner, mallory.owner, writer, reader, removed].map((u) => u.token);
  const dead = {
    revoked: revoked.body.token as string,
    expired: expired.body.token as string,
    deletedAccount: doomed.token,
  };
  return {
    t,
    alice,
    mallory,
    writer,
    reader,
    removed,
    aliceOtherSessionId: other.body.sessionId as string,
    dead,
    expiredChallenge,
    allTokens: [...live, other.body.token, dead.revoked, dead.expired, dead.deletedAccount],
    allEnvelopes: envelopes,
  };
}

async function tenantView(user: TestUser, tenant: Tenant): Promise<unknown[]> {
  const v = `/v1/vaults/${tenant.vaultId}`;
  const paths = [
    '/v1/account',
    '/v1/sessions',
    '/v1/vaults',
    v,
    `${v}/members`,
    `${v}/grants`,
    `${v}/changes?cursor=0&limit=1000`,
    `${v}/blobs/${tenant.blobId}`,
    `${v}/blobs/${tenant.uploadId}`,
    `${v}/blobs/${tenant.blobId}/content`,
  ];
  return Promise.all(
    paths.map(async (path) => {
      const res = await user.api.get(path);
      return { path, status: res.status, body: res.text };
    }),
  );
}

/** Everything the tenants and members can read, as one comparable value. */
export async function snapshot(w: World): Promise<string> {
  const members = [w.writer, w.reader, w.removed].map(async (user) => {
    const vaults = await user.api.get('/v1/vaults');
    const grants = await user.api.get(`/v1/vaults/${w.alice.vaultId}/grants`);
    return [vaults.status, vaults.text, grants.status, grants.text];
  });
  const views = await Promise.all([
    tenantView(w.alice.owner, w.alice),
    tenantView(w.mallory.owner, w.mallory),
    ...members,
  ]);
  return JSON.stringify(views);
}
