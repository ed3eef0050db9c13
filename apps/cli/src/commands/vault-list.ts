/** `coffer vault list`. */
import { listNamedVaults } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import type { CommandContext } from '../cli/command.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const vaults = await withAccountClient(ctx, (opened) => listNamedVaults(opened, { sync: true }));
  ctx.out.result(
    { vaults: vaults.map((v) => ({ name: v.name, vaultId: v.vaultId, role: v.role ?? null })) },
    vaults.length === 0
      ? 'no vaults (create one with `coffer vault create NAME`)'
      : vaults.map((v) => `${v.name}\t${v.role ?? '?'}`).join('\n'),
  );
}
