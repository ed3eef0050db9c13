/**
 * Unlocking the account for a command: from COFFER_SESSION (no key
 * derivation) or from account.sealed and the passphrase. No network and no
 * client here, so `get` can unlock once and answer from the replica alone.
 */
import type { AccountSession } from '@coffer/client';
import { kidForPublicKey } from '@coffer/protocol';
import type { CommandContext } from '../cli/command.ts';
import { readPassphrase } from '../cli/passphrase.ts';
import { type AccountState, decodeAccountState, loadAccountState } from './account-state.ts';
import { openSession } from './session-file.ts';

/** The unlocked account: from COFFER_SESSION when set, else the passphrase. */
export async function unlockAccount(
  ctx: CommandContext,
  home: string,
  username: string,
): Promise<AccountState> {
  const token = ctx.env.COFFER_SESSION;
  if (token !== undefined && token !== '') {
    const state = decodeAccountState(await openSession(home, token));
    return state;
  }
  return loadAccountState(home, username, await readPassphrase(ctx));
}

export async function sessionOf(state: AccountState): Promise<AccountSession> {
  return {
    accountId: state.accountId,
    username: state.username,
    sessionId: state.sessionId,
    bundle: state.bundle,
    signingKid: await kidForPublicKey('ed25519', state.bundle.ed25519.publicKey),
    encryptionKid: await kidForPublicKey('x25519', state.bundle.x25519.publicKey),
  };
}
