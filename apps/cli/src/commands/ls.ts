/** `coffer ls VAULT`: key names (the reserved .coffer/ records are hidden). */
import { isTransient } from '@coffer/client';
import { isReservedName, resolveVault } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import { arg, type CommandContext } from '../cli/command.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const vault = arg(ctx, 'VAULT');
  const entries = await withAccountClient(ctx, async (opened) => {
    const vaultId = await resolveVault(opened, vault, { sync: false });
    try {
      await opened.client.sync(vaultId);
    } catch (e) {
      if (!isTransient(e)) throw e;
      ctx.out.warn('server unreachable: listing the local replica');
    }
    return (await opened.client.records.list(vaultId)).filter((e) => !isReservedName(e.name));
  });
  // Nothing on stdout for an empty vault (a loop over the keys runs zero times); say so on stderr.
  if (entries.length === 0) ctx.out.info(`no keys in ${vault}`);
  ctx.out.result(
    {
      vault,
      keys: entries.map((e) => ({
        name: e.name,
        type: e.type,
        updatedAt: e.updatedAt,
        pending: e.pending,
      })),
    },
    // Piped, the lines are bare names (`coffer ls ops | while read -r k`); --json says what is pending.
    entries
      .map((e) =>
        e.pending && ctx.out.streams.stdout.isTTY === true ? `${e.name}\t(not pushed)` : e.name,
      )
      .join('\n'),
  );
}
