/**
 * Challenge-response proof of the login key. A challenge is random, names the
 * server origin, expires quickly and is consumed by its first use, whatever the
 * outcome, so it can never be replayed.
 */
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../http/context.ts';
import { unauthorized } from '../http/errors.ts';
import {
  type ChallengePurpose,
  type ChallengeResponse,
  ed25519Verify,
  loginChallengeMessage,
} from '../protocol.ts';
import type { AccountRow } from '../storage/contract.ts';
import { newId } from './tokens.ts';

/** Issue a challenge for `username` (an unknown one gets a challenge that can never succeed). */
export async function issueChallenge(
  ctx: AppContext,
  username: string,
): Promise<ChallengeResponse> {
  const account = await ctx.store.getAccountByUsername(username);
  const challenge = randomBytes(32);
  const challengeId = newId();
  const expiresAt = ctx.now() + ctx.challengeTtlMs;
  await ctx.store.createChallenge({
    challengeId,
    accountId: account?.accountId ?? null,
    challenge: new Uint8Array(challenge),
    expiresAt,
  });
  return {
    challengeId,
    challenge: challenge.toString('base64url'),
    origin: ctx.origin(),
    expiresAt: new Date(expiresAt).toISOString(),
  };
}

/**
 * Consume a challenge and check its signature by `account`'s current login
 * key for `purpose`. Every failure is the same `unauthorized`.
 *
 * @example
 * await verifyChallenge(ctx, account, body.challengeId, body.signature, 'login');
 */
export async function verifyChallenge(
  ctx: AppContext,
  account: AccountRow | null,
  challengeId: string,
  signatureB64: string,
  purpose: ChallengePurpose,
): Promise<AccountRow> {
  // Consume first: a wrong signature still burns the challenge (no retries on one challenge).
  const row = await ctx.store.consumeChallenge(challengeId, ctx.now());
  if (!row || !account || row.accountId !== account.accountId) throw unauthorized();
  const message = loginChallengeMessage({
    purpose,
    challenge: row.challenge,
    origin: ctx.origin(),
    username: account.username,
  });
  const ok = await ed25519Verify(
    account.loginPublicKey,
    message,
    Buffer.from(signatureB64, 'base64url'),
  );
  if (!ok) throw unauthorized();
  return account;
}
