/** `coffer user show NAME`: a user's fingerprint from the key directory, pinned on first sight. */
import { openAccountClient } from '../account/open-client.ts';
import { arg, type CommandContext } from '../cli/command.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const name = arg(ctx, 'NAME');
  const opened = await openAccountClient(ctx);
  try {
    const pinnedBefore = await opened.store.getPinnedUser(name);
    const keys = await opened.client.vaults.userKeys(name);
    ctx.out.result(
      {
        username: name,
        accountId: keys.accountId,
        fingerprint: keys.fingerprint,
        newlyPinned: pinnedBefore === undefined,
      },
      `${name}\n  fingerprint: ${keys.fingerprint}\n  ${pinnedBefore === undefined ? `pinned now: compare it with ${name} out of band before sharing` : 'matches the key pinned earlier'}`,
    );
  } finally {
    await opened.close();
  }
}
