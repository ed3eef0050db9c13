/**
 * `coffer logout`: push what is pending, end the server session, then forget
 * this profile's keys, replica and session (the pinned server certificates
 * stay). Versions that exist only here (an outbox that could not be pushed,
 * unresolved conflict copies) stop it unless --force: deleting the replica
 * would lose them for good.
 */
import { rm } from 'node:fs/promises';
import { isTransient } from '@coffer/client';
import { SqliteStore } from '@coffer/client/sqlite';
import { deleteAccountState } from '../account/account-state.ts';
import { type OpenedClient, openAccountClient } from '../account/open-client.ts';
import { refusalWarning } from '../account/refusals.ts';
import { deleteSession } from '../account/session-file.ts';
import { booleanOption, type CommandContext } from '../cli/command.ts';
import { toCliError } from '../cli/errors.ts';
import { CliError } from '../cli/exit-codes.ts';
import { loadConfig, saveConfig } from '../profile/config.ts';
import { profilePaths } from '../profile/home.ts';

/**
 * Push every vault with queued changes; what is left afterwards could not be
 * pushed. `sessionEnded`: the server refused this device's session (the SDK
 * reports that as an event, not a throw), so logging in again is the way out.
 */
async function pushPending(
  ctx: CommandContext,
  opened: OpenedClient,
): Promise<{ pending: number; sessionEnded: boolean }> {
  const vaultIds = new Set((await opened.store.listOutbox()).map((e) => e.vaultId));
  for (const vaultId of vaultIds) {
    try {
      await opened.client.sync(vaultId);
    } catch (e) {
      // Offline, or the session ended: the count below says what stays unpushed.
      if (!isTransient(e) && toCliError(e) === undefined) throw e;
    }
  }
  let sessionEnded = false;
  for (const r of opened.takeRefusals()) {
    if (r.code === 'unauthorized') sessionEnded = true;
    else ctx.out.warn(refusalWarning(r));
  }
  return { pending: await opened.store.countOutbox(), sessionEnded };
}

function refusal(pending: number, conflicts: number, sessionEnded: boolean): CliError {
  const what = [
    pending > 0 ? `${pending} change(s) that were never pushed` : '',
    conflicts > 0 ? `${conflicts} unresolved conflict copy(ies)` : '',
  ]
    .filter((s) => s !== '')
    .join(' and ');
  const steps = [
    pending > 0 && sessionEnded
      ? '`coffer login --username NAME` (the server ended this session; the data here is kept) and `coffer sync`'
      : '',
    pending > 0 && !sessionEnded ? '`coffer sync` once the server is reachable' : '',
    conflicts > 0 ? '`coffer conflicts` and `coffer resolve`' : '',
  ]
    .filter((s) => s !== '')
    .join(', then ');
  return new CliError(
    'conflict',
    'unpushed_changes',
    `not logged out: this device holds ${what}, which logging out would delete`,
    `run ${steps}; or \`coffer logout --force\` to discard them`,
  );
}

export async function run(ctx: CommandContext): Promise<void> {
  const force = booleanOption(ctx, 'force');
  const opened = await openAccountClient(ctx);
  let pending = await opened.store.countOutbox();
  let serverEnded = true;
  try {
    let sessionEnded = false;
    if (pending > 0) ({ pending, sessionEnded } = await pushPending(ctx, opened));
    const conflicts = (await opened.store.listConflicts()).length;
    if (!force && (pending > 0 || conflicts > 0)) throw refusal(pending, conflicts, sessionEnded);
    try {
      await opened.client.accounts.logout();
    } catch (e) {
      serverEnded = false;
      ctx.out.warn(
        `the server session could not be ended (${toCliError(e)?.message ?? 'error'}); it expires on its own`,
      );
    }
  } finally {
    await opened.close();
  }
  const home = ctx.globals.home;
  await deleteSession(home);
  await deleteAccountState(home);
  for (const f of SqliteStore.files(profilePaths(home).replica)) await rm(f, { force: true });
  const config = await loadConfig(home);
  await saveConfig(home, config.server === undefined ? {} : { server: config.server });
  if (pending > 0) ctx.out.warn(`${pending} local change(s) that were never pushed were discarded`);
  ctx.out.result(
    { loggedOut: true, serverSessionEnded: serverEnded, discardedPending: pending },
    'logged out',
  );
}
