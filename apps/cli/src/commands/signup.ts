/** `coffer signup`: create an account and log this device in. */
import { fingerprint } from '@coffer/protocol';
import { accountFlow } from '../account/login-flow.ts';
import type { CommandContext } from '../cli/command.ts';
import { toCliError } from '../cli/errors.ts';
import { CliError } from '../cli/exit-codes.ts';
import { readNewPassphrase } from '../cli/passphrase.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const { session, server } = await accountFlow(
    ctx,
    () => readNewPassphrase(ctx, { label: 'Choose a passphrase' }),
    async (client, username, passphrase) => {
      await client.accounts.signup(username, passphrase).catch((e: unknown) => {
        if (toCliError(e)?.exit !== 'conflict') throw e;
        throw new CliError(
          'conflict',
          'username_taken',
          `the username ${username} is taken on this server`,
          'choose another --username, or `coffer login` if the account is yours',
        );
      });
    },
  );
  const fp = await fingerprint({
    accountId: session.accountId,
    x25519PublicKey: session.bundle.x25519.publicKey,
    ed25519PublicKey: session.bundle.ed25519.publicKey,
  });
  ctx.out.result(
    { username: session.username, accountId: session.accountId, server, fingerprint: fp },
    `signed up and logged in as ${session.username} on ${server}\nyour fingerprint: ${fp}\n(others compare it with \`coffer user show ${session.username}\` before sharing with you)`,
  );
}
