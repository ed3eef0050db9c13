/**
 * Client-side fixtures for tests: real Ed25519 login keys, real sealed
 * envelopes of each content type (under throwaway keys), signed challenges.
 * The mock validates them exactly as the server would.
 */
import {
  type ChallengePurpose,
  type ChallengeResponse,
  ed25519PublicKey,
  ed25519Sign,
  encodeArmor,
  fromHex,
  keyBundleAppContext,
  keyGrantAppContext,
  loginChallengeMessage,
  randomBytes,
  recordAppContext,
  type SignupRequest,
  sealEnvelope,
  utf8,
} from '@coffer/protocol';
import { base64url, fromBase64url } from './util.ts';

/** The client's default Argon2id parameters (the floor). */
export const TEST_KDF_PARAMS = {
  algorithm: 'argon2id',
  memoryKiB: 65_536,
  iterations: 3,
  parallelism: 1,
} as const;

async function sealed(
  contentType: 'record' | 'key-grant' | 'key-bundle',
  context: Uint8Array,
  epoch: number,
  plaintext: Uint8Array = randomBytes(64),
): Promise<string> {
  const envelope = await sealEnvelope(plaintext, {
    contentType,
    context,
    key: { kid: randomBytes(16), epoch, key: randomBytes(32) },
  });
  return encodeArmor(envelope);
}

/** A `key-bundle` envelope for `username` (under a random key). */
export const testKeyBundle = (username: string): Promise<string> =>
  sealed('key-bundle', keyBundleAppContext(utf8(username)), 1);

/** A `key-grant` envelope of `epoch` for a vault (under a random key). */
export const testKeyGrant = (vaultId: string, epoch: number): Promise<string> =>
  sealed('key-grant', keyGrantAppContext(fromHex(vaultId), epoch), epoch);

/** A `record` envelope for a record slot (under a random key: only the structure is real). */
export const testRecordEnvelope = (vaultId: string, recordId: string, epoch = 1): Promise<string> =>
  sealed('record', recordAppContext(fromHex(vaultId), fromHex(recordId)), epoch);

/** A signup body with a real login key from `loginSeed`. */
export async function testSignupBody(
  username: string,
  loginSeed: Uint8Array,
): Promise<SignupRequest> {
  return {
    username,
    loginPublicKey: base64url(await ed25519PublicKey(loginSeed)),
    kdf: { salt: base64url(randomBytes(16)), params: { ...TEST_KDF_PARAMS } },
    keyBundle: await testKeyBundle(username),
    encryptionPublicKey: base64url(randomBytes(32)),
    signingPublicKey: base64url(await ed25519PublicKey(randomBytes(32))),
  };
}

/**
 * Sign a challenge for `purpose` with a login seed.
 *
 * @example
 * const proof = await signChallenge(challenge, 'alice', seed, 'login');
 * await fetch(`${base}/v1/auth/login`, { method: 'POST', body: JSON.stringify({ username: 'alice', ...proof }) });
 */
export async function signChallenge(
  challenge: ChallengeResponse,
  username: string,
  loginSeed: Uint8Array,
  purpose: ChallengePurpose,
): Promise<{ challengeId: string; signature: string }> {
  const message = loginChallengeMessage({
    purpose,
    challenge: fromBase64url(challenge.challenge),
    origin: challenge.origin,
    username,
  });
  return {
    challengeId: challenge.challengeId,
    signature: base64url(await ed25519Sign(loginSeed, message)),
  };
}
