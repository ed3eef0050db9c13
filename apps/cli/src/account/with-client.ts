/** Run a command body with an account client and always close it (SQLite, sockets). */
import type { CommandContext } from '../cli/command.ts';
import type { AccountState } from './account-state.ts';
import { type OpenedClient, openAccountClient } from './open-client.ts';
import type { ServerProfile } from './profile.ts';

export async function withAccountClient<T>(
  ctx: CommandContext,
  body: (opened: OpenedClient & { state: AccountState }) => Promise<T>,
  unlocked?: { profile: ServerProfile; state: AccountState },
): Promise<T> {
  const opened = await openAccountClient(ctx, unlocked);
  try {
    return await body(opened);
  } finally {
    await opened.close();
  }
}
