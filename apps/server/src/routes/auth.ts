/**
 * Signup and login: prelogin (KDF salt and parameters), challenge, login with
 * a signed challenge, logout. Rate-limited per client address and username.
 */
import type { FastifyInstance } from 'fastify';
import { issueChallenge, verifyChallenge } from '../auth/challenges.ts';
import { fakeKdf } from '../auth/fake-kdf.ts';
import { newId, newSessionToken } from '../auth/tokens.ts';
import { callerOf, requireSession } from '../http/authenticate.ts';
import type { AppContext } from '../http/context.ts';
import { checkEnvelope } from '../http/envelopes.ts';
import { parseInput } from '../http/errors.ts';
import { enforceAuthRateLimit } from '../http/rate-limit-hook.ts';
import {
  ChallengeRequest,
  CLIENT_HEADER,
  LoginRequest,
  type LoginResponse,
  PreloginRequest,
  type PreloginResponse,
  SignupRequest,
  type SignupResponse,
} from '../protocol.ts';

const b64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64url'));

export function authRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post('/v1/accounts', async (request, reply) => {
    enforceAuthRateLimit(ctx, request);
    const body = parseInput(SignupRequest, request.body);
    const keyBundle = checkEnvelope(body.keyBundle, 'keyBundle', { contentType: 'key-bundle' });
    const accountId = newId();
    await ctx.store.createAccount({
      accountId,
      username: body.username,
      loginPublicKey: b64(body.loginPublicKey),
      kdfSalt: b64(body.kdf.salt),
      kdfParams: {
        memoryKiB: body.kdf.params.memoryKiB,
        iterations: body.kdf.params.iterations,
        parallelism: body.kdf.params.parallelism,
      },
      keyBundle,
      x25519PublicKey: b64(body.encryptionPublicKey),
      ed25519PublicKey: b64(body.signingPublicKey),
      createdAt: ctx.now(),
    });
    ctx.metrics.add('coffer_signups_total');
    const answer: SignupResponse = { accountId, username: body.username };
    return reply.code(201).send(answer);
  });

  app.post('/v1/auth/prelogin', async (request) => {
    const body = parseInput(PreloginRequest, request.body);
    enforceAuthRateLimit(ctx, request, body.username);
    const account = await ctx.store.getAccountByUsername(body.username);
    const answer: PreloginResponse = account
      ? {
          kdf: {
            salt: Buffer.from(account.kdfSalt).toString('base64url'),
            params: { algorithm: 'argon2id', ...account.kdfParams },
          },
        }
      : { kdf: fakeKdf(ctx.serverSecret, body.username) };
    return answer;
  });

  app.post('/v1/auth/challenge', async (request) => {
    const body = parseInput(ChallengeRequest, request.body);
    enforceAuthRateLimit(ctx, request, body.username);
    return issueChallenge(ctx, body.username);
  });

  app.post('/v1/auth/login', async (request) => {
    const body = parseInput(LoginRequest, request.body);
    enforceAuthRateLimit(ctx, request, body.username);
    const account = await verifyChallenge(
      ctx,
      await ctx.store.getAccountByUsername(body.username),
      body.challengeId,
      body.signature,
      'login',
    );
    const { token, hash } = newSessionToken();
    const sessionId = newId();
    const now = ctx.now();
    const expiresAt = now + ctx.sessionTtlMs;
    const client = request.headers[CLIENT_HEADER];
    await ctx.store.createSession({
      sessionId,
      accountId: account.accountId,
      tokenHash: hash,
      createdAt: now,
      expiresAt,
      clientLabel: body.deviceName ?? (typeof client === 'string' ? client : 'unknown'),
    });
    ctx.metrics.add('coffer_logins_total');
    const answer: LoginResponse = {
      token,
      sessionId,
      accountId: account.accountId,
      expiresAt: new Date(expiresAt).toISOString(),
    };
    return answer;
  });

  app.post('/v1/auth/logout', { preHandler: requireSession(ctx) }, async (request, reply) => {
    const caller = callerOf(request);
    await ctx.store.revokeSession(caller.accountId, caller.sessionId, ctx.now());
    ctx.liveStreams.closeSession(caller.sessionId);
    return reply.code(204).send();
  });
}
