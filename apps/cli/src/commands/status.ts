/** `coffer status`: local state only, no passphrase or network: pending, conflicts, lock state. */
import { existsSync } from 'node:fs';
import { SqliteStore } from '@coffer/client/node';
import { openProfile } from '../account/profile.ts';
import type { CommandContext } from '../cli/command.ts';
import { profilePaths } from '../profile/home.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const { home, config } = await openProfile(ctx);
  const paths = profilePaths(home);
  let pending = 0;
  let conflicts = 0;
  if (existsSync(paths.replica)) {
    const store = SqliteStore.open(paths.replica);
    try {
      pending = await store.countOutbox();
      conflicts = (await store.listConflicts()).length;
    } finally {
      await store.close();
    }
  }
  const unlocked = existsSync(paths.session);
  const loggedIn = config.username !== undefined;
  const doc = {
    loggedIn,
    username: config.username ?? null,
    server: config.server ?? null,
    session: unlocked ? 'unlocked' : 'locked',
    pending,
    conflicts,
    home,
  };
  ctx.out.result(
    doc,
    [
      loggedIn ? `${config.username} on ${config.server}` : 'not logged in',
      `session: ${doc.session}${unlocked ? ' (COFFER_SESSION)' : ''}`,
      `pending changes: ${pending}${pending > 0 ? ' (run `coffer sync`)' : ''}`,
      `conflicts: ${conflicts}${conflicts > 0 ? ' (see `coffer conflicts`)' : ''}`,
    ].join('\n'),
  );
}
