/**
 * The signed-in account: its sealed key bundle, sessions, passphrase change
 * and deletion; and the key directory of other users' public keys.
 */
import type { FastifyInstance } from 'fastify';
import { verifyChallenge } from '../auth/challenges.ts';
import { armor } from '../http/armor.ts';
import { callerOf, requireSession } from '../http/authenticate.ts';
import type { AppContext } from '../http/context.ts';
import { checkEnvelope } from '../http/envelopes.ts';
import { ApiError, parseInput } from '../http/errors.ts';
import {
  type AccountResponse,
  ChangeCredentialsRequest,
  DeleteAccountRequest,
  HexId,
  type PublicKeysResponse,
  type SessionList,
  Username,
} from '../protocol.ts';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const iso = (ms: number): string => new Date(ms).toISOString();

export function accountRoutes(app: FastifyInstance, ctx: AppContext): void {
  const auth = { preHandler: requireSession(ctx) };

  app.get('/v1/account', auth, async (request) => {
    const account = await ctx.store.getAccountById(callerOf(request).accountId);
    if (!account) throw new ApiError('not_found', 'no such account');
    const answer: AccountResponse = {
      accountId: account.accountId,
      username: account.username,
      kdf: { salt: b64(account.kdfSalt), params: { algorithm: 'argon2id', ...account.kdfParams } },
      keyBundle: armor(account.keyBundle),
      encryptionPublicKey: b64(account.x25519PublicKey),
      signingPublicKey: b64(account.ed25519PublicKey),
    };
    return answer;
  });

  app.put('/v1/account/credentials', auth, async (request, reply) => {
    const caller = callerOf(request);
    const body = parseInput(ChangeCredentialsRequest, request.body);
    const keyBundle = checkEnvelope(body.keyBundle, 'keyBundle', { contentType: 'key-bundle' });
    // Proof of the OLD login key, not just a (possibly stolen) session token.
    const account = await ctx.store.getAccountById(caller.accountId);
    await verifyChallenge(ctx, account, body.challengeId, body.signature, 'change-credentials');
    await ctx.store.replaceLoginKeyAndBundle(caller.accountId, {
      loginPublicKey: new Uint8Array(Buffer.from(body.loginPublicKey, 'base64url')),
      kdfSalt: new Uint8Array(Buffer.from(body.kdf.salt, 'base64url')),
      kdfParams: {
        memoryKiB: body.kdf.params.memoryKiB,
        iterations: body.kdf.params.iterations,
        parallelism: body.kdf.params.parallelism,
      },
      keyBundle,
      updatedAt: ctx.now(),
      // Whoever knew the old passphrase loses every other device.
      revokeSessions: { except: caller.sessionId },
    });
    ctx.liveStreams.closeAccount(caller.accountId, caller.sessionId);
    return reply.code(204).send();
  });

  app.delete('/v1/account', auth, async (request, reply) => {
    const caller = callerOf(request);
    const body = parseInput(DeleteAccountRequest, request.body);
    const account = await ctx.store.getAccountById(caller.accountId);
    await verifyChallenge(ctx, account, body.challengeId, body.signature, 'delete-account');
    await ctx.store.deleteAccount(caller.accountId);
    ctx.liveStreams.closeAccount(caller.accountId);
    return reply.code(204).send();
  });

  app.get('/v1/sessions', auth, async (request) => {
    const caller = callerOf(request);
    const sessions = await ctx.store.listSessions(caller.accountId, ctx.now());
    const answer: SessionList = {
      sessions: sessions.map((s) => ({
        sessionId: s.sessionId,
        label: s.clientLabel,
        createdAt: iso(s.createdAt),
        lastSeenAt: iso(s.lastSeenAt),
        expiresAt: iso(s.expiresAt),
        current: s.sessionId === caller.sessionId,
      })),
    };
    return answer;
  });

  app.delete<{ Params: { sessionId: string } }>(
    '/v1/sessions/:sessionId',
    auth,
    async (request, reply) => {
      const caller = callerOf(request);
      const sessionId = HexId.safeParse(request.params.sessionId);
      // Another account's session id is indistinguishable from a missing one.
      if (
        !sessionId.success ||
        !(await ctx.store.revokeSession(caller.accountId, sessionId.data, ctx.now()))
      ) {
        throw new ApiError('not_found', 'no such session');
      }
      ctx.liveStreams.closeSession(sessionId.data);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { username: string } }>('/v1/users/:username/keys', auth, async (request) => {
    const username = Username.safeParse(request.params.username);
    const account = username.success ? await ctx.store.getAccountByUsername(username.data) : null;
    if (!account) throw new ApiError('not_found', 'no such user');
    const answer: PublicKeysResponse = {
      accountId: account.accountId,
      username: account.username,
      encryptionPublicKey: b64(account.x25519PublicKey),
      signingPublicKey: b64(account.ed25519PublicKey),
    };
    return answer;
  });
}
