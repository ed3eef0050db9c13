/**
 * Signup and login as the server does them: prelogin (a deterministic fake
 * KDF for unknown usernames), single-use challenges naming the origin, login
 * with an Ed25519 signature over the challenge, logout. (No rate limiting.)
 */
import {
  type ChallengePurpose,
  ChallengeRequest,
  type ChallengeResponse,
  CLIENT_HEADER,
  concatBytes,
  ed25519Verify,
  hmacSha256,
  type Kdf,
  LoginRequest,
  type LoginResponse,
  loginChallengeMessage,
  PreloginRequest,
  randomBytes,
  SignupRequest,
  utf8,
} from '@coffer/protocol';
import { HttpResponse } from 'msw';
import { CHALLENGE_TTL_MS, type MemoryDb } from '../db/memory-db.ts';
import type { AccountRow } from '../db/types.ts';
import { bodyValue } from '../http/body.ts';
import { checkEnvelope } from '../http/envelopes.ts';
import { ApiError, parseInput, unauthorized } from '../http/problem.ts';
import type { RouteDef } from '../http/route.ts';
import { base64url, fromBase64url, iso, newId } from '../util.ts';

const noContent = () => new Response(null, { status: 204 });

async function fakeKdf(secret: Uint8Array, username: string): Promise<Kdf> {
  const mac = await hmacSha256(secret, concatBytes(utf8('coffer/v1/fake-salt\0'), utf8(username)));
  return {
    salt: base64url(mac.subarray(0, 16)),
    params: { algorithm: 'argon2id', memoryKiB: 65_536, iterations: 3, parallelism: 1 },
  };
}

/**
 * Consume a challenge and check its signature by the account's login key for
 * `purpose`; every failure is the same 401 (the challenge burns either way).
 */
export async function verifyChallenge(
  db: MemoryDb,
  origin: string,
  account: AccountRow | undefined,
  challengeId: string,
  signature: string,
  purpose: ChallengePurpose,
): Promise<AccountRow> {
  const row = db.challenges.get(challengeId);
  db.challenges.delete(challengeId);
  if (!row || row.expiresAt <= db.now() || !account || row.accountId !== account.accountId)
    throw unauthorized();
  const message = loginChallengeMessage({
    purpose,
    challenge: row.challenge,
    origin,
    username: account.username,
  });
  if (!(await ed25519Verify(account.loginPublicKey, message, fromBase64url(signature))))
    throw unauthorized();
  return account;
}

export const authRoutes: RouteDef[] = [
  {
    operationId: 'signup',
    handle: async ({ mock, body }) => {
      const input = parseInput(SignupRequest, bodyValue(body));
      checkEnvelope(input.keyBundle, 'keyBundle', { contentType: 'key-bundle' });
      if (mock.db.accountByUsername(input.username))
        throw new ApiError('username_taken', 'username is taken');
      const accountId = newId();
      mock.db.accounts.set(accountId, {
        accountId,
        username: input.username,
        loginPublicKey: fromBase64url(input.loginPublicKey),
        kdf: input.kdf,
        keyBundle: input.keyBundle,
        encryptionPublicKey: input.encryptionPublicKey,
        signingPublicKey: input.signingPublicKey,
        createdAt: mock.db.now(),
      });
      return HttpResponse.json({ accountId, username: input.username }, { status: 201 });
    },
  },
  {
    operationId: 'prelogin',
    handle: async ({ mock, body }) => {
      const input = parseInput(PreloginRequest, bodyValue(body));
      const account = mock.db.accountByUsername(input.username);
      const kdf = account ? account.kdf : await fakeKdf(mock.db.serverSecret, input.username);
      return HttpResponse.json({ kdf });
    },
  },
  {
    operationId: 'challenge',
    handle: ({ mock, body }) => {
      const input = parseInput(ChallengeRequest, bodyValue(body));
      const account = mock.db.accountByUsername(input.username);
      const challenge = randomBytes(32);
      const answer: ChallengeResponse = {
        challengeId: newId(),
        challenge: base64url(challenge),
        origin: mock.origin,
        expiresAt: iso(mock.db.now() + CHALLENGE_TTL_MS),
      };
      mock.db.challenges.set(answer.challengeId, {
        challengeId: answer.challengeId,
        accountId: account?.accountId ?? null,
        challenge,
        expiresAt: mock.db.now() + CHALLENGE_TTL_MS,
      });
      return HttpResponse.json(answer);
    },
  },
  {
    operationId: 'login',
    handle: async ({ mock, body, request }) => {
      const input = parseInput(LoginRequest, bodyValue(body));
      const account = await verifyChallenge(
        mock.db,
        mock.origin,
        mock.db.accountByUsername(input.username),
        input.challengeId,
        input.signature,
        'login',
      );
      const label = input.deviceName ?? request.headers.get(CLIENT_HEADER) ?? 'unknown';
      const session = mock.db.createSession(account.accountId, label);
      const answer: LoginResponse = {
        token: session.token,
        sessionId: session.sessionId,
        accountId: account.accountId,
        expiresAt: iso(session.expiresAt),
      };
      return HttpResponse.json(answer);
    },
  },
  {
    operationId: 'logout',
    handle: ({ mock, caller }) => {
      mock.db.revokeSession(caller.accountId, caller.sessionId);
      return noContent();
    },
  },
];
