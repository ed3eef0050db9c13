/**
 * The signed-in account (key bundle, sessions, passphrase change, deletion)
 * and the key directory, as the server serves them.
 */
import {
  type AccountResponse,
  ChangeCredentialsRequest,
  DeleteAccountRequest,
  HexId,
  type PublicKeysResponse,
  type SessionList,
  Username,
} from '@coffer/protocol';
import { HttpResponse } from 'msw';
import { bodyValue } from '../http/body.ts';
import { checkEnvelope } from '../http/envelopes.ts';
import { ApiError, parseInput } from '../http/problem.ts';
import type { RouteDef } from '../http/route.ts';
import { fromBase64url, iso } from '../util.ts';
import { verifyChallenge } from './auth.ts';

const noContent = () => new Response(null, { status: 204 });

export const accountRoutes: RouteDef[] = [
  {
    operationId: 'getAccount',
    handle: ({ mock, caller }) => {
      const a = mock.db.accounts.get(caller.accountId);
      if (!a) throw new ApiError('not_found', 'no such account');
      const answer: AccountResponse = {
        accountId: a.accountId,
        username: a.username,
        kdf: a.kdf,
        keyBundle: a.keyBundle,
        encryptionPublicKey: a.encryptionPublicKey,
        signingPublicKey: a.signingPublicKey,
      };
      return HttpResponse.json(answer);
    },
  },
  {
    operationId: 'changeCredentials',
    handle: async ({ mock, caller, body }) => {
      const input = parseInput(ChangeCredentialsRequest, bodyValue(body));
      checkEnvelope(input.keyBundle, 'keyBundle', { contentType: 'key-bundle' });
      const account = await verifyChallenge(
        mock.db,
        mock.origin,
        mock.db.accounts.get(caller.accountId),
        input.challengeId,
        input.signature,
        'change-credentials',
      );
      account.loginPublicKey = fromBase64url(input.loginPublicKey);
      account.kdf = input.kdf;
      account.keyBundle = input.keyBundle;
      // Whoever knew the old passphrase loses every other device.
      mock.db.revokeAccountSessions(caller.accountId, caller.sessionId);
      return noContent();
    },
  },
  {
    operationId: 'deleteAccount',
    handle: async ({ mock, caller, body }) => {
      const input = parseInput(DeleteAccountRequest, bodyValue(body));
      await verifyChallenge(
        mock.db,
        mock.origin,
        mock.db.accounts.get(caller.accountId),
        input.challengeId,
        input.signature,
        'delete-account',
      );
      mock.db.deleteAccount(caller.accountId);
      return noContent();
    },
  },
  {
    operationId: 'listSessions',
    handle: ({ mock, caller }) => {
      const now = mock.db.now();
      const sessions = [...mock.db.sessions.values()].filter(
        (s) => s.accountId === caller.accountId && s.expiresAt > now,
      );
      const answer: SessionList = {
        sessions: sessions.map((s) => ({
          sessionId: s.sessionId,
          label: s.label,
          createdAt: iso(s.createdAt),
          lastSeenAt: iso(s.lastSeenAt),
          expiresAt: iso(s.expiresAt),
          current: s.sessionId === caller.sessionId,
        })),
      };
      return HttpResponse.json(answer);
    },
  },
  {
    operationId: 'revokeSession',
    handle: ({ mock, caller, params }) => {
      const id = HexId.safeParse(params.sessionId);
      // Another account's session id is indistinguishable from a missing one.
      if (!id.success || !mock.db.revokeSession(caller.accountId, id.data))
        throw new ApiError('not_found', 'no such session');
      return noContent();
    },
  },
  {
    operationId: 'getPublicKeys',
    handle: ({ mock, params }) => {
      const username = Username.safeParse(params.username);
      const a = username.success ? mock.db.accountByUsername(username.data) : undefined;
      if (!a) throw new ApiError('not_found', 'no such user');
      const answer: PublicKeysResponse = {
        accountId: a.accountId,
        username: a.username,
        encryptionPublicKey: a.encryptionPublicKey,
        signingPublicKey: a.signingPublicKey,
      };
      return HttpResponse.json(answer);
    },
  },
];
