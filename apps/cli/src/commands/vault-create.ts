/** `coffer vault create NAME`. */
import { createNamedVault } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import { arg, type CommandContext } from '../cli/command.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const name = arg(ctx, 'NAME');
  const vaultId = await withAccountClient(ctx, (opened) => createNamedVault(opened, name));
  ctx.out.result({ vault: name, vaultId }, `created vault ${name}`);
}
