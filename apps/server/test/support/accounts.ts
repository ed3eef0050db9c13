/**
 * Client-side helpers for tests: accounts with real Ed25519 login keys and
 * real (sealed) envelopes, so the server sees exactly what a client sends.
 */
import { randomBytes } from 'node:crypto';
import {
  ed25519PublicKey,
  ed25519Sign,
  encodeArmor,
  keyBundleAppContext,
  keyGrantAppContext,
  recordAppContext,
  sealEnvelope,
} from '@coffer/protocol';
import { type ChallengePurpose, loginChallengeMessage } from '../../src/protocol.ts';
import type { Api } from './api.ts';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const rnd = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

export const KDF = {
  algorithm: 'argon2id',
  memoryKiB: 65_536,
  iterations: 3,
  parallelism: 1,
} as const;

export interface TestUser {
  username: string;
  accountId: string;
  loginSeed: Uint8Array;
  token: string;
  sessionId: string;
  api: Api;
}

export async function sealed(
  contentType: 'record' | 'key-grant' | 'key-bundle',
  context: Uint8Array,
  epoch: number,
  plaintext: Uint8Array = rnd(64),
): Promise<string> {
  const envelope = await sealEnvelope(plaintext, {
    contentType,
    context,
    key: { kid: rnd(16), epoch, key: rnd(32) },
  });
  return encodeArmor(envelope);
}

export const keyBundle = (username: string) =>
  sealed('key-bundle', keyBundleAppContext(new TextEncoder().encode(username)), 1);

export const keyGrant = (vaultId: string, epoch: number) =>
  sealed('key-grant', keyGrantAppContext(Buffer.from(vaultId, 'hex'), epoch), epoch);

export const recordEnvelope = (
  vaultId: string,
  recordId: string,
  epoch = 1,
  plaintext?: Uint8Array,
) =>
  sealed(
    'record',
    recordAppContext(Buffer.from(vaultId, 'hex'), Buffer.from(recordId, 'hex')),
    epoch,
    plaintext,
  );

/** A push body that creates one record (epoch 1, never written before). */
export async function newRecordPush(vaultId: string, recordId: string) {
  return {
    mutations: [
      {
        op: 'put',
        mutationId: newHexId(),
        recordId,
        baseRevision: null,
        epoch: 1,
        envelope: await recordEnvelope(vaultId, recordId),
      },
    ],
  };
}

export async function signupBody(username: string, loginSeed: Uint8Array) {
  return {
    username,
    loginPublicKey: b64(await ed25519PublicKey(loginSeed)),
    kdf: { salt: b64(rnd(16)), params: KDF },
    keyBundle: await keyBundle(username),
    encryptionPublicKey: b64(rnd(32)),
    signingPublicKey: b64(await ed25519PublicKey(rnd(32))),
  };
}

/** Ask for a challenge and sign it for `purpose`. */
export async function signedChallenge(
  api: Api,
  username: string,
  seed: Uint8Array,
  purpose: ChallengePurpose,
) {
  const res = await api.post('/v1/auth/challenge', { username });
  if (res.status !== 200) throw new Error(`challenge: ${res.status} ${res.text}`);
  const message = loginChallengeMessage({
    purpose,
    challenge: Buffer.from(res.body.challenge, 'base64url'),
    origin: res.body.origin,
    username,
  });
  return {
    challengeId: res.body.challengeId as string,
    signature: b64(await ed25519Sign(seed, message)),
  };
}

export async function login(api: Api, username: string, seed: Uint8Array) {
  const proof = await signedChallenge(api, username, seed, 'login');
  return api.post('/v1/auth/login', { username, ...proof });
}

let counter = 0;
/** A fresh account, signed in. */
export async function createUser(api: Api, prefix = 'user'): Promise<TestUser> {
  const username = `${prefix}-${process.pid}-${++counter}-${randomBytes(3).toString('hex')}`;
  const loginSeed = rnd(32);
  const signup = await api.post('/v1/accounts', await signupBody(username, loginSeed));
  if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${signup.text}`);
  const res = await login(api, username, loginSeed);
  if (res.status !== 200) throw new Error(`login: ${res.status} ${res.text}`);
  return {
    username,
    accountId: signup.body.accountId,
    loginSeed,
    token: res.body.token,
    sessionId: res.body.sessionId,
    api: api.withToken(res.body.token),
  };
}

/** A vault owned by `user`, with the owner's epoch-1 grant stored. */
export async function createVault(user: TestUser): Promise<string> {
  const res = await user.api.post('/v1/vaults', {});
  if (res.status !== 201) throw new Error(`create vault: ${res.status} ${res.text}`);
  const vaultId = res.body.vaultId as string;
  const grant = await user.api.put(`/v1/vaults/${vaultId}/grants`, {
    grants: [{ accountId: user.accountId, epoch: 1, grant: await keyGrant(vaultId, 1) }],
  });
  if (grant.status !== 204) throw new Error(`grant: ${grant.status} ${grant.text}`);
  return vaultId;
}

export const newHexId = (): string => randomBytes(16).toString('hex');
