/**
 * `coffer status`: local state only, no passphrase or network: pending,
 * conflicts, unlocked sessions (and whether COFFER_SESSION opens one).
 */
import { existsSync } from 'node:fs';
import { countWithheld } from '@coffer/client';
import { SqliteStore } from '@coffer/client/node';
import { openProfile } from '../account/profile.ts';
import { countSessions, openSession } from '../account/session-file.ts';
import type { CommandContext } from '../cli/command.ts';
import { profilePaths } from '../profile/home.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const { home, config } = await openProfile(ctx);
  const paths = profilePaths(home);
  let pending = 0;
  let conflicts = 0;
  let withheld = 0;
  if (existsSync(paths.replica)) {
    const store = SqliteStore.open(paths.replica);
    try {
      pending = await store.countOutbox();
      conflicts = (await store.listConflicts()).length;
      withheld = (await countWithheld(store)).records;
    } finally {
      await store.close();
    }
  }
  const sessions = await countSessions(home);
  const token = ctx.env.COFFER_SESSION;
  // Only a token that opens a session counts: a stale export must not read as "unlocked".
  const tokenWorks =
    token !== undefined && token !== '' && sessions > 0
      ? await openSession(home, token).then(
          (secret) => {
            secret.fill(0);
            return true;
          },
          () => false,
        )
      : undefined;
  const unlocked = tokenWorks ?? sessions > 0;
  const loggedIn = config.username !== undefined;
  const doc = {
    loggedIn,
    username: config.username ?? null,
    server: config.server ?? null,
    session: unlocked ? 'unlocked' : 'locked',
    sessions,
    pending,
    conflicts,
    withheld,
    home,
  };
  if (!loggedIn) {
    ctx.out.result(
      doc,
      `not logged in (profile ${home})\nrun \`coffer signup\` or \`coffer login\` with --server URL --username NAME`,
    );
    return;
  }
  ctx.out.result(
    doc,
    [
      `${config.username} on ${config.server}`,
      `session: ${sessionLine(token, tokenWorks, sessions)}`,
      `pending changes: ${pending}${pending > 0 ? ' (run `coffer sync`)' : ''}`,
      `conflicts: ${conflicts}${conflicts > 0 ? ' (see `coffer conflicts`)' : ''}`,
      ...(withheld > 0
        ? [
            `withheld: ${withheld} record(s) whose latest server version did not verify (\`coffer sync\` lists them)`,
          ]
        : []),
    ].join('\n'),
  );
}

function sessionLine(token: string | undefined, works: boolean | undefined, count: number): string {
  if (works === true) return 'unlocked (COFFER_SESSION opens it)';
  if (token !== undefined && token !== '')
    return 'locked: COFFER_SESSION is set but opens no session here (run `coffer unlock`)';
  if (count > 0) return `${count} unlocked session(s); export COFFER_SESSION to use one`;
  return 'locked (commands ask for the passphrase; `coffer unlock` for scripts)';
}
