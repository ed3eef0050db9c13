/** `coffer whoami`: the account and server of this profile (no passphrase needed). */
import { openProfile } from '../account/profile.ts';
import type { CommandContext } from '../cli/command.ts';
import { CliError } from '../cli/exit-codes.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const { config } = await openProfile(ctx);
  if (config.username === undefined || config.server === undefined) {
    throw new CliError(
      'auth',
      'not_logged_in',
      'not logged in',
      'run `coffer login --server URL --username NAME`',
    );
  }
  ctx.out.result(
    { username: config.username, server: config.server, home: ctx.globals.home },
    `${config.username} on ${config.server}`,
  );
}
