/** `coffer vault remove NAME USER`: remove a member and rotate the vault key (SDK). */
import { resolveVault } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import { arg, type CommandContext } from '../cli/command.ts';
import { CliError } from '../cli/exit-codes.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const name = arg(ctx, 'NAME');
  const user = arg(ctx, 'USER');
  const epoch = await withAccountClient(ctx, async (opened) => {
    const vaultId = await resolveVault(opened, name, { sync: false });
    const member = (await opened.client.vaults.members(vaultId)).find((m) => m.username === user);
    if (member === undefined)
      throw new CliError('notFound', 'member_not_found', `${user} is not a member of ${name}`);
    // Push pending writes first: they were sealed under the key the removed member holds.
    await opened.client.sync(vaultId);
    return opened.client.vaults.removeMember(vaultId, member.accountId);
  });
  ctx.out.result(
    { vault: name, user, epoch },
    `removed ${user} from ${name}; the vault key was rotated to epoch ${epoch}`,
  );
}
