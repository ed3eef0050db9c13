/** `coffer login`: log this device in with username and passphrase only. */
import { accountFlow } from '../account/login-flow.ts';
import type { CommandContext } from '../cli/command.ts';
import { readPassphrase } from '../cli/passphrase.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const { session, server } = await accountFlow(
    ctx,
    () => readPassphrase(ctx),
    async () => {},
  );
  ctx.out.result(
    { username: session.username, accountId: session.accountId, server },
    `logged in as ${session.username} on ${server}`,
  );
}
