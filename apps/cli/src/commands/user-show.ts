/** `coffer user show NAME`: a user's fingerprint from the key directory, pinned on first sight. */
import { fingerprint } from '@coffer/protocol';
import type { AccountState } from '../account/account-state.ts';
import { openAccountClient } from '../account/open-client.ts';
import { lookupUser } from '../account/user-keys.ts';
import { arg, type CommandContext } from '../cli/command.ts';
import { CliError } from '../cli/exit-codes.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const name = arg(ctx, 'NAME');
  const opened = await openAccountClient(ctx);
  try {
    const pinnedBefore = await opened.store.getPinnedUser(name);
    const keys = await lookupUser(opened, name);
    const self = name === opened.state.username;
    if (self) await checkOwnKeys(opened.state, keys.fingerprint);
    ctx.out.result(
      {
        username: name,
        accountId: keys.accountId,
        fingerprint: keys.fingerprint,
        newlyPinned: pinnedBefore === undefined,
      },
      `${name}\n  fingerprint: ${keys.fingerprint}\n  ${note(self, pinnedBefore === undefined, name)}`,
    );
  } finally {
    await opened.close();
  }
}

function note(self: boolean, firstSight: boolean, name: string): string {
  if (self) return 'this is you: read it to people who share with you';
  return firstSight
    ? `pinned now: compare it with ${name} out of band before sharing`
    : 'matches the key pinned earlier';
}

/**
 * Your own fingerprint is what others verify you by: it must come from the keys
 * on this device, never only from the server, which could hand out its own.
 */
async function checkOwnKeys(state: AccountState, served: string): Promise<void> {
  const own = await fingerprint({
    accountId: state.accountId,
    x25519PublicKey: state.bundle.x25519.publicKey,
    ed25519PublicKey: state.bundle.ed25519.publicKey,
  });
  if (own !== served)
    throw new CliError(
      'crypto',
      'user_key_changed',
      `the server publishes keys for ${state.username} that are not this account's (yours: ${own})`,
      'do not let anyone share with you until this is explained: the server may be compromised',
    );
}
