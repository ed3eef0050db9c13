/** `coffer rm VAULT KEY`: a tombstone replicates the deletion. */
import { pushOrQueue } from '../account/push-or-queue.ts';
import { resolveWritableVault } from '../account/vault-names.ts';
import { withAccountClient } from '../account/with-client.ts';
import { arg, type CommandContext } from '../cli/command.ts';
import { CliError } from '../cli/exit-codes.ts';

export async function run(ctx: CommandContext): Promise<void> {
  const vault = arg(ctx, 'VAULT');
  const key = arg(ctx, 'KEY');
  const pushed = await withAccountClient(ctx, async (opened) => {
    const vaultId = await resolveWritableVault(opened, vault);
    if ((await opened.client.records.get(vaultId, key)) === undefined) {
      throw new CliError('notFound', 'record_not_found', `no key ${key} in vault ${vault}`);
    }
    await opened.client.records.delete(vaultId, key);
    return pushOrQueue(ctx, opened, vaultId);
  });
  ctx.out.result(
    { vault, key, deleted: true, pushed },
    pushed ? `deleted ${key}` : `deleted ${key} locally (not pushed yet)`,
  );
}
