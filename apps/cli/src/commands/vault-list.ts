/** `coffer vault list`: from the server, or (offline) the vaults this device has replicated. */
import { listNamedVaults, unreadableNameWarnings } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import type { CommandContext } from '../cli/command.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const { vaults, offline } = await withAccountClient(ctx, async (opened) => {
    let offline = false;
    const vaults = await listNamedVaults(opened, {
      sync: true,
      onOffline: () => {
        offline = true;
      },
    });
    return { vaults, offline };
  });
  // Roles come from the server only: say so instead of printing a bare "?".
  if (offline) ctx.out.warn('server unreachable: listing the vaults this device has replicated');
  for (const w of unreadableNameWarnings(vaults)) ctx.out.warn(w);
  ctx.out.result(
    {
      vaults: vaults.map((v) => ({ name: v.name, vaultId: v.vaultId, role: v.role ?? null })),
      offline,
    },
    vaults.length === 0
      ? 'no vaults (create one with `coffer vault create NAME`)'
      : vaults.map((v) => `${v.name}\t${v.role ?? '(role unknown offline)'}`).join('\n'),
  );
}
