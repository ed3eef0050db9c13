/** `coffer whoami`: the account and server of this profile (no passphrase needed). */
import { notLoggedIn, openProfile } from '../account/profile.ts';
import type { CommandContext } from '../cli/command.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const { config } = await openProfile(ctx);
  if (config.username === undefined || config.server === undefined) {
    throw notLoggedIn(ctx.globals.home);
  }
  ctx.out.result(
    { username: config.username, server: config.server, home: ctx.globals.home },
    `${config.username} on ${config.server}`,
  );
}
