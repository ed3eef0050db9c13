/**
 * `coffer logout`: end the server session, then forget this profile's keys,
 * replica and session (the pinned server certificates stay).
 */
import { rm } from 'node:fs/promises';
import { deleteAccountState } from '../account/account-state.ts';
import { openAccountClient } from '../account/open-client.ts';
import { deleteSession } from '../account/session-file.ts';
import type { CommandContext } from '../cli/command.ts';
import { toCliError } from '../cli/errors.ts';
import { loadConfig, saveConfig } from '../profile/config.ts';
import { profilePaths } from '../profile/home.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const opened = await openAccountClient(ctx);
  const pending = await opened.store.countOutbox();
  let serverEnded = true;
  try {
    await opened.client.accounts.logout();
  } catch (e) {
    serverEnded = false;
    ctx.out.warn(
      `the server session could not be ended (${toCliError(e)?.message ?? 'error'}); it expires on its own`,
    );
  } finally {
    await opened.close();
  }
  const home = ctx.globals.home;
  await deleteSession(home);
  await deleteAccountState(home);
  const replica = profilePaths(home).replica;
  for (const f of [replica, `${replica}-wal`, `${replica}-shm`]) await rm(f, { force: true });
  const config = await loadConfig(home);
  await saveConfig(home, config.server === undefined ? {} : { server: config.server });
  if (pending > 0) ctx.out.warn(`${pending} local change(s) that were never pushed were discarded`);
  ctx.out.result(
    { loggedOut: true, serverSessionEnded: serverEnded, discardedPending: pending },
    'logged out',
  );
}
