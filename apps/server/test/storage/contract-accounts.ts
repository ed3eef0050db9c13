/** Contract: accounts, login challenges, sessions. */
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './contract.ts';
import {
  bytes,
  createAccount,
  createVault,
  expectStorageError,
  newAccount,
  newId,
  randomData,
  T0,
} from './fixtures.ts';

const HOUR = 3_600_000;

function session(accountId: string, overrides: { createdAt?: number; expiresAt?: number } = {}) {
  return {
    sessionId: newId(),
    accountId,
    tokenHash: randomData(32),
    createdAt: overrides.createdAt ?? T0,
    expiresAt: overrides.expiresAt ?? T0 + 24 * HOUR,
    clientLabel: 'cli/1.0',
  };
}

export function accountContract(ctx: ContractContext): void {
  describe('accounts', () => {
    it('stores an account and finds it by username and by id', async () => {
      const account = newAccount();
      await ctx.store.createAccount(account);
      const expected = { ...account, updatedAt: account.createdAt };
      expect(await ctx.store.getAccountByUsername(account.username)).toEqual(expected);
      expect(await ctx.store.getAccountById(account.accountId)).toEqual(expected);
      expect(await ctx.store.getAccountByUsername('nobody')).toBeNull();
      expect(await ctx.store.getAccountById(newId())).toBeNull();
    });

    it('refuses a taken username with username_taken', async () => {
      const first = await createAccount(ctx.store);
      await expectStorageError(
        ctx.store.createAccount(newAccount({ username: first.username })),
        'username_taken',
      );
    });

    it('refuses malformed ids with invalid_argument', async () => {
      await expectStorageError(ctx.store.getAccountById('ABC'), 'invalid_argument');
      await expectStorageError(ctx.store.getAccountById('A'.repeat(32)), 'invalid_argument');
      await expectStorageError(
        ctx.store.createAccount(newAccount({ accountId: 'zz'.repeat(16) })),
        'invalid_argument',
      );
    });

    it('replaces login key, salt, params and bundle; optionally revokes other sessions', async () => {
      const account = await createAccount(ctx.store);
      const current = session(account.accountId);
      const other = session(account.accountId);
      await ctx.store.createSession(current);
      await ctx.store.createSession(other);
      const change = {
        loginPublicKey: randomData(32),
        kdfSalt: randomData(16),
        kdfParams: { memoryKiB: 131072, iterations: 4, parallelism: 2 },
        keyBundle: randomData(130),
        updatedAt: T0 + HOUR,
      };
      await ctx.store.replaceLoginKeyAndBundle(account.accountId, {
        ...change,
        revokeSessions: { except: current.sessionId },
      });
      const stored = await ctx.store.getAccountById(account.accountId);
      expect(stored).toEqual({ ...account, ...change });
      const now = T0 + 2 * HOUR;
      expect(await ctx.store.findSessionByTokenHash(current.tokenHash, now)).not.toBeNull();
      expect(await ctx.store.findSessionByTokenHash(other.tokenHash, now)).toBeNull();
      await expectStorageError(ctx.store.replaceLoginKeyAndBundle(newId(), change), 'not_found');
    });

    it('deletes an account with its sessions, memberships and solely owned vaults', async () => {
      const gone = await createAccount(ctx.store);
      const other = await createAccount(ctx.store);
      const s = session(gone.accountId);
      await ctx.store.createSession(s);
      const solo = await createVault(ctx.store, gone.accountId);
      const shared = await createVault(ctx.store, gone.accountId);
      await ctx.store.addMember(shared.vaultId, other.accountId, 'owner', [], T0);
      const theirs = await createVault(ctx.store, other.accountId);
      await ctx.store.addMember(theirs.vaultId, gone.accountId, 'writer', [], T0);

      await ctx.store.deleteAccount(gone.accountId);

      expect(await ctx.store.getAccountById(gone.accountId)).toBeNull();
      expect(await ctx.store.findSessionByTokenHash(s.tokenHash, T0)).toBeNull();
      expect(await ctx.store.getVault(solo.vaultId)).toBeNull();
      expect(await ctx.store.getVault(shared.vaultId)).not.toBeNull();
      expect(await ctx.store.getMembership(shared.vaultId, gone.accountId)).toBeNull();
      expect(await ctx.store.listKeyGrants(shared.vaultId, gone.accountId)).toEqual([]);
      expect((await ctx.store.listMembers(theirs.vaultId)).map((m) => m.accountId)).toEqual([
        other.accountId,
      ]);
      // The name is free again.
      await ctx.store.createAccount(newAccount({ username: gone.username }));
    });
  });

  describe('login challenges', () => {
    it('hands a challenge out exactly once', async () => {
      const account = await createAccount(ctx.store);
      const challenge = {
        challengeId: newId(),
        accountId: account.accountId,
        challenge: bytes('sign me'),
        expiresAt: T0 + 60_000,
      };
      await ctx.store.createChallenge(challenge);
      expect(await ctx.store.consumeChallenge(challenge.challengeId, T0)).toEqual(challenge);
      expect(await ctx.store.consumeChallenge(challenge.challengeId, T0)).toBeNull();
    });

    it('never returns an expired challenge, and keeps anonymous ones', async () => {
      const anonymous = {
        challengeId: newId(),
        accountId: null,
        challenge: bytes('x'),
        expiresAt: T0,
      };
      await ctx.store.createChallenge(anonymous);
      expect(await ctx.store.consumeChallenge(anonymous.challengeId, T0)).toBeNull();
      const live = { ...anonymous, challengeId: newId(), expiresAt: T0 + 1 };
      await ctx.store.createChallenge(live);
      expect(await ctx.store.consumeChallenge(live.challengeId, T0)).toEqual(live);
    });
  });

  describe('sessions', () => {
    it('finds only unexpired, unrevoked sessions by token hash', async () => {
      const account = await createAccount(ctx.store);
      const s = session(account.accountId, { expiresAt: T0 + HOUR });
      await ctx.store.createSession(s);
      const found = await ctx.store.findSessionByTokenHash(s.tokenHash, T0);
      expect(found).toEqual({ ...s, lastSeenAt: s.createdAt, revokedAt: null });
      expect(await ctx.store.findSessionByTokenHash(s.tokenHash, T0 + HOUR)).toBeNull();
      expect(await ctx.store.findSessionByTokenHash(randomData(32), T0)).toBeNull();
      expect(await ctx.store.revokeSession(account.accountId, s.sessionId, T0 + 1)).toBe(true);
      expect(await ctx.store.findSessionByTokenHash(s.tokenHash, T0 + 2)).toBeNull();
      expect(await ctx.store.revokeSession(account.accountId, s.sessionId, T0 + 3)).toBe(false);
    });

    it('refuses a token hash that is not 32 bytes', async () => {
      const account = await createAccount(ctx.store);
      const s = { ...session(account.accountId), tokenHash: randomData(31) };
      await expectStorageError(ctx.store.createSession(s), 'invalid_argument');
    });

    it('lists live sessions newest first and revokes only the owner account', async () => {
      const alice = await createAccount(ctx.store);
      const bob = await createAccount(ctx.store);
      const older = session(alice.accountId, { createdAt: T0 });
      const newer = session(alice.accountId, { createdAt: T0 + 10 });
      const expired = session(alice.accountId, { expiresAt: T0 + 5 });
      const bobs = session(bob.accountId);
      for (const s of [older, newer, expired, bobs]) await ctx.store.createSession(s);
      const listed = await ctx.store.listSessions(alice.accountId, T0 + 20);
      expect(listed.map((s) => s.sessionId)).toEqual([newer.sessionId, older.sessionId]);
      // Tenant isolation: Alice cannot revoke Bob's session by id.
      expect(await ctx.store.revokeSession(alice.accountId, bobs.sessionId, T0 + 20)).toBe(false);
      expect(await ctx.store.findSessionByTokenHash(bobs.tokenHash, T0 + 20)).not.toBeNull();
    });

    it('revokes all sessions of an account, optionally but one', async () => {
      const alice = await createAccount(ctx.store);
      const bob = await createAccount(ctx.store);
      const keep = session(alice.accountId);
      const others = [session(alice.accountId), session(alice.accountId)];
      const bobs = session(bob.accountId);
      for (const s of [keep, ...others, bobs]) await ctx.store.createSession(s);
      expect(await ctx.store.revokeAllSessions(alice.accountId, T0 + 1, keep.sessionId)).toBe(2);
      expect(
        (await ctx.store.listSessions(alice.accountId, T0 + 2)).map((s) => s.sessionId),
      ).toEqual([keep.sessionId]);
      expect(await ctx.store.revokeAllSessions(alice.accountId, T0 + 3)).toBe(1);
      expect(await ctx.store.listSessions(alice.accountId, T0 + 4)).toEqual([]);
      expect(await ctx.store.findSessionByTokenHash(bobs.tokenHash, T0 + 4)).not.toBeNull();
    });

    it('touches lastSeenAt forward only, and purges dead sessions and challenges', async () => {
      const account = await createAccount(ctx.store);
      const s = session(account.accountId);
      await ctx.store.createSession(s);
      await ctx.store.touchSession(s.sessionId, T0 + 50);
      await ctx.store.touchSession(s.sessionId, T0 + 10);
      expect((await ctx.store.findSessionByTokenHash(s.tokenHash, T0))?.lastSeenAt).toBe(T0 + 50);
      const revoked = session(account.accountId);
      await ctx.store.createSession(revoked);
      await ctx.store.revokeSession(account.accountId, revoked.sessionId, T0);
      const challenge = {
        challengeId: newId(),
        accountId: null,
        challenge: bytes('c'),
        expiresAt: T0,
      };
      await ctx.store.createChallenge(challenge);
      await ctx.store.purgeExpired(T0 + 1);
      // Purged rows are gone: the revoked session's id is reusable, the challenge is not there.
      await ctx.store.createSession({ ...revoked, tokenHash: randomData(32) });
      await ctx.store.createChallenge({ ...challenge, expiresAt: T0 + 10 });
      expect(await ctx.store.findSessionByTokenHash(s.tokenHash, T0 + 1)).not.toBeNull();
    });
  });
}
